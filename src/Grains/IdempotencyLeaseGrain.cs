using SecretsStore.Grains.Abstractions;

namespace SecretsStore.Grains;

/// <summary>
/// The keys of one bucket that have a write running, in memory. A lease ends when its write releases it or when it
/// runs out (a gateway that died mid-request), so nothing here needs to outlive the activation: a silo that leaves
/// loses only leases whose writes are failing with it, and what they committed is in the audit trail.
/// </summary>
public sealed class IdempotencyLeaseGrain(TimeProvider clock) : Grain, IIdempotencyLeaseGrain
{
    private readonly Dictionary<string, (Guid Holder, DateTimeOffset Until)> _held = new(StringComparer.Ordinal);

    public Task<Guid?> TryTakeAsync(string key, TimeSpan lease)
    {
        var now = clock.GetUtcNow();
        if (_held.TryGetValue(key, out var current) && current.Until > now)
        {
            return Task.FromResult<Guid?>(null);
        }

        if (_held.Count > 1024)
        {
            // Leases of gateways that died: dropped here so the map stays as small as the writes in flight.
            foreach (var stale in _held.Where(h => h.Value.Until <= now).Select(h => h.Key).ToList())
            {
                _held.Remove(stale);
            }
        }

        var holder = Guid.NewGuid();
        _held[key] = (holder, now + lease);
        return Task.FromResult<Guid?>(holder);
    }

    public Task ReleaseAsync(string key, Guid holder)
    {
        if (_held.TryGetValue(key, out var current) && current.Holder == holder)
        {
            _held.Remove(key);
        }

        return Task.CompletedTask;
    }
}
