using SecretsStore.Api.Audit;
using SecretsStore.Api.OpenApi;

namespace SecretsStore.Api.Endpoints;

/// <summary>
/// The value route (docs/access.md, "Reading a value"; extension): the one way a value leaves the service, for services
/// only, each read audited before it is answered. By id, or by name, since consumers know names.
/// </summary>
public static class ValueApi
{
    private const string Rule =
        "Services only, in the accounts they are granted: any other account is 404 account_not_found, as one that does not " +
        "exist. Allowed when the calling service manages the store, or when one of its consumer scopes is among the " +
        "secret's scopes; anything else is 404 secret_not_found, whatever is missing. Account tokens, keys and the operator " +
        "get 403 (9109). Every read and every refusal is audited before it is answered; a read that cannot be audited is " +
        "503. Answers Cache-Control: no-store and x-request-id.";

    public static RouteGroupBuilder MapValueApi(this RouteGroupBuilder system)
    {
        system.MapGet("/stores/{store_id}/secrets/{secret_id}/value", ReadValue)
            .WithName("SystemReadSecretValue")
            .WithSummary("Reads a secret's value by id.")
            .WithDescription(Rule)
            .Audited(AuditActions.SecretReadValue)
            .ProducesErrors(StatusCodes.Status404NotFound);
        system.MapGet("/stores/{store_id}/secrets/by-name/{name}/value", ReadValueByName)
            .WithName("SystemReadSecretValueByName")
            .WithSummary("Reads a secret's value by name.")
            .WithDescription(Rule)
            .Audited(AuditActions.SecretReadValue)
            .ProducesErrors(StatusCodes.Status404NotFound);
        return system;
    }

    public static async Task<Answer<SecretValueDto>> ReadValue([AsParameters] SecretRoute route, IGrainFactory grains)
    {
        if ((Malformed(route.StoreIdAsSent, "store_id") ?? Malformed(route.SecretIdAsSent, "secret_id")) is { } malformed)
        {
            return malformed;
        }

        var call = route.Call;
        var outcome = await grains.StoreGrain(route.StoreId).ReadValueAsync(call.Caller, call.AccountId, route.SecretId);
        return ApiResults.From(outcome, secret => ApiResults.Ok(SecretValueDto.From(secret)));
    }

    public static async Task<Answer<SecretValueDto>> ReadValueByName([AsParameters] StoreRoute route, IGrainFactory grains, string name)
    {
        if (Malformed(route.StoreIdAsSent, "store_id") is { } malformed)
        {
            return malformed;
        }

        var call = route.Call;
        var outcome = await grains.StoreGrain(route.StoreId).ReadValueByNameAsync(call.Caller, call.AccountId, name);
        return ApiResults.From(outcome, secret => ApiResults.Ok(SecretValueDto.From(secret)));
    }

    /// <summary>Here an id that cannot be an id is bad input (400), as the issue asks, rather than a store that is not found.</summary>
    private static StoreError? Malformed(string id, string field) =>
        RouteIds.TryParseAccount(id, out _) ? null : GatewayErrors.InvalidId(field);
}
