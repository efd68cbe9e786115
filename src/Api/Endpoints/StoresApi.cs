using Microsoft.AspNetCore.Mvc;
using SecretsStore.Api.Audit;
using SecretsStore.Api.OpenApi;

namespace SecretsStore.Api.Endpoints;

public static class StoresApi
{
    /// <summary>The account routes' create: <c>{"name"}</c> or <c>[{"name"}]</c>.</summary>
    public static RouteGroupBuilder MapCreateStore(this RouteGroupBuilder account)
    {
        account.MapPost("/stores", CreateStore)
            .WithName("CreateStore")
            .WithSummary("Creates a store; accepts {\"name\"} or the older [{\"name\"}] form.")
            .WithDescription("404 account_not_found only for an account deleted a moment before, while its token was still known.")
            .Audited(AuditActions.StoreCreate)
            .AcceptsJson<StoreCreateRequest>()
            .ProducesErrors(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge);
        return account;
    }

    /// <summary>The system routes' create: <c>{"name", "account_id"}</c>; the store is managed by the calling service.</summary>
    public static RouteGroupBuilder MapCreateManagedStore(this RouteGroupBuilder system)
    {
        system.MapPost("/stores", CreateManagedStore)
            .WithName("SystemCreateStore")
            .WithSummary("Creates a store managed by the calling service; 404 account_not_found when account_tag names no account or one the service is not granted; 400 maximum_stores_exceeded past SecretsStore:Quota:ManagedStores.")
            .Audited(AuditActions.StoreCreate)
            .AcceptsJson<ManagedStoreCreateRequest>()
            .ProducesErrors(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge);
        return system;
    }

    /// <summary>List, get and delete: one implementation for every route family.</summary>
    public static RouteGroupBuilder MapStoresApi(this RouteGroupBuilder group, string namePrefix = "")
    {
        var list = group.MapGet("/stores", ListStores)
            .WithName(namePrefix + "ListStores")
            .WithSummary("Lists the stores the caller may see, paged.");
        if (namePrefix.Length > 0)
        {
            // The system routes answer 404 account_not_found for an account_tag that names no account, or one the
            // calling service is not granted.
            list.ProducesErrors(StatusCodes.Status404NotFound);
        }

        group.MapGet("/stores/{store_id}", GetStore)
            .WithName(namePrefix + "GetStore")
            .WithSummary("Gets one store.")
            .ProducesErrors(StatusCodes.Status404NotFound);
        group.MapDelete("/stores/{store_id}", DeleteStore)
            .WithName(namePrefix + "DeleteStore")
            .WithSummary("Deletes a store; force=true also deletes its secrets.")
            .Audited(AuditActions.StoreDelete)
            .ProducesErrors(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        return group;
    }

    public static Task<Answer<StoreDto>> CreateStore([AsParameters] AccountRoute route, HttpRequest request, IGrainFactory grains) =>
        BodyHandling.WithBodyAsync(request, StoreCreateRequest.Parse, async body =>
        {
            var call = route.Call;
            var outcome = await grains.AccountGrain(call.AccountId).CreateStoreAsync(call.Caller, body.Name);
            return body.ArrayForm
                ? ApiResults.From(outcome with { Error = InArray(outcome.Error) }, store => Answer<StoreDto>.OkInArray(StoreDto.From(store)))
                : ApiResults.From(outcome, store => ApiResults.Ok(StoreDto.From(store)));
        });

    public static Task<Answer<StoreDto>> CreateManagedStore([AsParameters] AccountRoute route, HttpRequest request, IGrainFactory grains) =>
        BodyHandling.WithBodyAsync(request, ManagedStoreCreateRequest.Parse, async body =>
        {
            var call = route.Call;
            var outcome = await grains.AccountGrain(call.AccountId).CreateStoreAsync(call.Caller, body.Name, body.AccountNumber);
            return ApiResults.From(outcome, store => ApiResults.Ok(StoreDto.From(store)));
        });

    public static async Task<ListAnswer<StoreDto>> ListStores([AsParameters] AccountRoute route, IGrainFactory grains, [AsParameters] StoreListQueryParameters query)
    {
        var call = route.Call;
        var outcome = await grains.AccountGrain(call.AccountId).ListStoresAsync(call.Caller, query.ToRequest());
        return ApiResults.From(outcome, page => ApiResults.List(page, StoreDto.From));
    }

    public static async Task<Answer<StoreDto>> GetStore([AsParameters] StoreRoute route, IGrainFactory grains)
    {
        var call = route.Call;
        var outcome = await grains.StoreGrain(route.StoreId).GetAsync(call.Caller, call.AccountId);
        return ApiResults.From(outcome, store => ApiResults.Ok(StoreDto.From(store)));
    }

    public static async Task<Answer<object>> DeleteStore([AsParameters] StoreRoute route, IGrainFactory grains, [FromQuery(Name = "force")] string? force)
    {
        var call = route.Call;
        var outcome = await grains.AccountGrain(call.AccountId).DeleteStoreAsync(call.Caller, route.StoreId, string.Equals(force, "true", StringComparison.OrdinalIgnoreCase));
        return ApiResults.From(outcome, _ => ApiResults.Done());
    }

    /// <summary>In the array form the offending field sits under the first item.</summary>
    private static StoreError? InArray(StoreError? error) =>
        error?.Pointer is null || error.Pointer.StartsWith("/0/", StringComparison.Ordinal) ? error : error with { Pointer = "/0" + error.Pointer };
}
