using SecretsStore.Api.Audit;
using SecretsStore.Api.OpenApi;

namespace SecretsStore.Api.Endpoints;

/// <summary>Operator routes for the master keys: rotate to a new one online, and watch the old ones retire.</summary>
public static class AdminKeysApi
{
    public static RouteGroupBuilder MapAdminKeysApi(this RouteGroupBuilder admin)
    {
        admin.MapGet("/keys", ListKeys).WithName("AdminListMasterKeys")
            .WithSummary("Lists the master keys: fingerprint, state (current, retiring, retired, pending) and how many stores each still wraps.");
        admin.MapPost("/keys/rotate", Rotate).WithName("AdminRotateMasterKey")
            .WithSummary("Makes the newest configured master key current and re-wraps every store's data key under it in the background.")
            .Audited(AuditActions.MasterKeyRotate)
            .ProducesErrors(StatusCodes.Status409Conflict);
        return admin;
    }

    /// <summary>A read, so not audited: the grain still wants to know it is the operator asking.</summary>
    public static async Task<Answer<MasterKeyDto[]>> ListKeys(IGrainFactory grains) =>
        ApiResults.From(await Keys(grains).ListAsync(Caller.Operator), keys => ApiResults.Ok(keys.Select(MasterKeyDto.From).ToArray()));

    /// <summary>The grain records the rotation with it (in the same transaction) or records its refusal.</summary>
    public static async Task<Answer<MasterKeyDto[]>> Rotate([AsParameters] OperatorAudit audit, IGrainFactory grains) =>
        ApiResults.From(await Keys(grains).RotateAsync(audit.Caller), keys => ApiResults.Ok(keys.Select(MasterKeyDto.From).ToArray()));

    private static IMasterKeysGrain Keys(IGrainFactory grains) => grains.GetGrain<IMasterKeysGrain>(0);
}
