using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Keys;
using SecretsStore.Grains.Rules;
using SecretsStore.Persistence.Audit;

namespace SecretsStore.Grains;

/// <summary>
/// The operator's key routes. A stateless worker runs on the silo that received the call, so a rotation uses that
/// silo's configured keys and wakes that silo's re-wrapper; the state lives in the database. Only the operator is
/// served: the gateway lets nobody else reach these routes, and the grain asks again.
/// </summary>
[StatelessWorker(1)]
public sealed class MasterKeysGrain(KeyRotation rotation, AuditLog audit, TimeProvider clock, ILogger<MasterKeysGrain> logger) : Grain, IMasterKeysGrain
{
    public async Task<Outcome<IReadOnlyList<MasterKeyView>>> RotateAsync(Caller caller)
    {
        var at = Timestamps.Now(clock);
        var rotated = OperatorOnly(caller) is { } refusal
            ? refusal
            : await StorageFaults.GuardAsync(
                () => rotation.RotateAsync(current => AuditRecord.Of(at, null, caller, AuditedRequest.IdOf(caller), AuditActions.MasterKeyRotate, null, request: AuditedRequest.Of(caller)).WithSubject($"master_key:{current}")),
                logger);
        if (!rotated.Succeeded)
        {
            // Recorded before it is answered; an accepted rotation was recorded in its own transaction.
            await StorageFaults.GuardAsync(() => audit.AppendAsync(AuditRecord.Of(at, null, caller, AuditedRequest.IdOf(caller), AuditActions.MasterKeyRotate, rotated.Error, request: AuditedRequest.Of(caller))), logger);
        }

        return rotated;
    }

    public async Task<Outcome<IReadOnlyList<MasterKeyView>>> ListAsync(Caller caller)
    {
        if (OperatorOnly(caller) is { } refusal)
        {
            return refusal;
        }

        return (await StorageFaults.GuardAsync(() => rotation.ListAsync(), logger)).ToList();
    }

    private static StoreError? OperatorOnly(Caller caller) => caller.Kind == CallerKind.Operator ? null : Errors.AdminRoutesNeedAdminToken();
}
