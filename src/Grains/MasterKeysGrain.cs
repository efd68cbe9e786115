using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Keys;
using SecretsStore.Grains.Storage;

namespace SecretsStore.Grains;

/// <summary>
/// The operator's key routes. A stateless worker runs on the silo that received the call, so a rotation uses that
/// silo's configured keys and wakes that silo's re-wrapper; the state lives in the database.
/// </summary>
[StatelessWorker(1)]
public sealed class MasterKeysGrain(KeyRotation rotation, ILogger<MasterKeysGrain> logger) : Grain, IMasterKeysGrain
{
    public Task<Outcome<IReadOnlyList<MasterKeyView>>> RotateAsync() => StorageFaults.GuardAsync(() => rotation.RotateAsync(), logger);

    public Task<IReadOnlyList<MasterKeyView>> ListAsync() => StorageFaults.GuardAsync(() => rotation.ListAsync(), logger);
}
