using SecretsStore.Api.Audit;
using SecretsStore.Api.Idempotency;
using SecretsStore.Api.OpenApi;

namespace SecretsStore.Api.Endpoints;

public static class SecretsApi
{
    public static RouteGroupBuilder MapSecretsApi(this RouteGroupBuilder account, string namePrefix = "")
    {
        var secrets = account.MapGroup("/stores/{store_id}/secrets");
        secrets.MapPost("", CreateSecrets)
            .WithName(namePrefix + "CreateSecrets")
            .WithSummary("Creates 1–100 secrets atomically; answers them in request order.")
            .Audited(AuditActions.SecretCreate)
            .KeyedInStore()
            .AcceptsJson<SecretCreateRequest[]>()
            .ProducesErrors(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge);
        secrets.MapGet("", ListSecrets)
            .WithName(namePrefix + "ListSecrets")
            .WithSummary("Lists a store's secrets, paged, with search and scope filters.")
            .ProducesErrors(StatusCodes.Status404NotFound);
        secrets.MapDelete("", DeleteSecrets)
            .WithName(namePrefix + "DeleteSecrets")
            .WithSummary("Deletes the listed secrets atomically: {\"ids\": [...]} or [{\"id\"}].")
            .Audited(AuditActions.SecretBulkDelete)
            .KeyedInStore()
            .AcceptsJson<BulkDeleteRequest>()
            .ProducesErrors(StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge);
        secrets.MapGet("/{secret_id}", GetSecret)
            .WithName(namePrefix + "GetSecret")
            .WithSummary("Gets a secret's metadata (never its value).")
            .ProducesErrors(StatusCodes.Status404NotFound);
        secrets.MapPatch("/{secret_id}", PatchSecret)
            .WithName(namePrefix + "PatchSecret")
            .WithSummary("Changes a secret's value, scopes or comment.")
            .Audited(AuditActions.SecretPatch)
            .KeyedInStore()
            .AcceptsJson<SecretPatchRequest>()
            .ProducesErrors(StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge);
        secrets.MapDelete("/{secret_id}", DeleteSecret)
            .WithName(namePrefix + "DeleteSecret")
            .WithSummary("Deletes a secret.")
            .Audited(AuditActions.SecretDelete)
            .KeyedInStore()
            .ProducesErrors(StatusCodes.Status404NotFound);
        secrets.MapPost("/{secret_id}/duplicate", DuplicateSecret)
            .WithName(namePrefix + "DuplicateSecret")
            .WithSummary("Copies a secret's value, server-side, into a new secret.")
            .Audited(AuditActions.SecretDuplicate)
            .KeyedInStore()
            .AcceptsJson<SecretDuplicateRequest>()
            .ProducesErrors(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge);
        return account;
    }

    public static Task<Answer<SecretDto[]>> CreateSecrets([AsParameters] StoreRoute route, HttpRequest request, IGrainFactory grains) =>
        BodyHandling.WithBodyAsync(request, SecretCreateRequest.ParseBatch, async items =>
        {
            var call = route.Call;
            var outcome = await grains.StoreGrain(route.StoreId).CreateSecretsAsync(call.Caller, call.AccountId, items);
            return ApiResults.From(outcome, created => ApiResults.Ok(created.Select(SecretDto.From).ToArray()));
        });

    public static async Task<ListAnswer<SecretDto>> ListSecrets([AsParameters] StoreRoute route, IGrainFactory grains, [AsParameters] ListQueryParameters query)
    {
        var call = route.Call;
        var outcome = await grains.StoreGrain(route.StoreId).ListSecretsAsync(call.Caller, call.AccountId, query.ToRequest());
        return ApiResults.From(outcome, page => ApiResults.List(page, SecretDto.From));
    }

    public static Task<AcceptedAnswer> DeleteSecrets([AsParameters] StoreRoute route, HttpRequest request, IGrainFactory grains) =>
        BodyHandling.WithBodyAsync(request, BulkDeleteRequest.Parse, async ids =>
        {
            var call = route.Call;
            var outcome = await grains.StoreGrain(route.StoreId).DeleteSecretsAsync(call.Caller, call.AccountId, ids);
            return ApiResults.From(outcome, _ => ApiResults.Accepted());
        });

    public static async Task<Answer<SecretDto>> GetSecret([AsParameters] SecretRoute route, IGrainFactory grains)
    {
        var call = route.Call;
        var outcome = await grains.StoreGrain(route.StoreId).GetSecretAsync(call.Caller, call.AccountId, route.SecretId);
        return ApiResults.From(outcome, secret => ApiResults.Ok(SecretDto.From(secret)));
    }

    public static Task<Answer<SecretDto>> PatchSecret([AsParameters] SecretRoute route, HttpRequest request, IGrainFactory grains) =>
        BodyHandling.WithBodyAsync(request, SecretPatchRequest.Parse, async patch =>
        {
            var call = route.Call;
            var outcome = await grains.StoreGrain(route.StoreId).PatchSecretAsync(call.Caller, call.AccountId, route.SecretId, patch);
            return ApiResults.From(outcome, secret => ApiResults.Ok(SecretDto.From(secret)));
        });

    public static async Task<AcceptedAnswer> DeleteSecret([AsParameters] SecretRoute route, IGrainFactory grains)
    {
        var call = route.Call;
        var outcome = await grains.StoreGrain(route.StoreId).DeleteSecretAsync(call.Caller, call.AccountId, route.SecretId);
        return ApiResults.From(outcome, _ => ApiResults.Accepted());
    }

    public static Task<Answer<SecretDto>> DuplicateSecret([AsParameters] SecretRoute route, HttpRequest request, IGrainFactory grains) =>
        BodyHandling.WithBodyAsync(request, SecretDuplicateRequest.Parse, async duplicate =>
        {
            var call = route.Call;
            var outcome = await grains.StoreGrain(route.StoreId).DuplicateSecretAsync(call.Caller, call.AccountId, route.SecretId, duplicate);
            return ApiResults.From(outcome, secret => ApiResults.Ok(SecretDto.From(secret)));
        });
}
