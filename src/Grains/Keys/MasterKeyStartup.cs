using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SecretsStore.Grains.Crypto;
using SecretsStore.Persistence.Keys;

namespace SecretsStore.Grains.Keys;

/// <summary>
/// At silo start: makes sure the database names a current master key (the newest configured one on a new database),
/// refuses to start a silo that does not have it, since every store it created would fail, and records which keys
/// this silo holds, so that no rotation makes current a key it lacks.
/// </summary>
public sealed class MasterKeyStartup(
    MasterKeyCatalog catalog, MasterKeyRing ring, SiloKeyHolder silo, ILogger<MasterKeyStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var current = await catalog.EnsureCurrentAsync(ring.NewestId, cancellationToken);
        if (!ring.Has(current))
        {
            throw new InvalidOperationException(
                $"The current master key ({current}, as recorded in the database) is not configured on this silo. Give every silo the same master keys (SecretsStore__MasterKeys, newest last).");
        }

        await catalog.RecordSiloAsync(silo.Current(), cancellationToken);

        foreach (var key in await catalog.ListAsync(cancellationToken))
        {
            if (key.Stores > 0 && !ring.Has(key.Fingerprint))
            {
                logger.LogError(
                    "Master key {Fingerprint} still wraps {Stores} stores but is not configured on this silo: their values cannot be read here, nor re-wrapped, until it is",
                    key.Fingerprint, key.Stores);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
