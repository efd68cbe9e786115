using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.RateLimits;

namespace SecretsStore.Grains;

/// <summary>
/// Leases are small enough that permits sitting unspent on gateways cannot take more than a tenth of the budget:
/// each lease is at most Limit ÷ (10 × gateways), counting as gateways both the silos in the cluster (each co-hosts
/// one) and every distinct gateway that asked within the window (standalone ones too). A lease lives one segment of
/// the window, so a permit is spent at most a tenth of a window after it was counted.
/// </summary>
public sealed class CredentialBudgetGrain(IClusterMembershipService membership, TimeProvider clock) : Grain, ICredentialBudgetGrain
{
    private readonly Dictionary<Guid, long> _lastAsked = [];
    private SlidingGrants? _grants;

    public Task<BudgetLease> LeaseAsync(LeaseRequest request)
    {
        if (_grants is null || _grants.Limit != request.Limit || _grants.Window != request.Window)
        {
            // A changed configuration starts a fresh count.
            _grants = new SlidingGrants(Math.Max(1, request.Limit), request.Window);
        }

        var now = clock.GetUtcNow().UtcTicks;
        var segment = _grants.SegmentOf(now);
        _grants.Return(now, request.UnspentFrom, request.Unspent);
        var nodes = CountNodes(request.Node, segment);
        var granted = _grants.Grant(now, Math.Max(1, _grants.Limit / (10 * nodes)));
        var lifetime = TimeSpan.FromTicks(_grants.SegmentLength);
        // Forgetting the window early would forget what it counted: stay active at least a window after each lease.
        DelayDeactivation(request.Window);
        return Task.FromResult(new BudgetLease(granted, segment, lifetime, granted > 0 ? TimeSpan.Zero : _grants.UntilRoom(now), nodes));
    }

    public Task GiveBackAsync(UnspentPermits permits)
    {
        _grants?.Return(clock.GetUtcNow().UtcTicks, permits.From, permits.Count);
        return Task.CompletedTask;
    }

    private int CountNodes(Guid asking, long segment)
    {
        _lastAsked[asking] = segment;
        foreach (var (node, last) in _lastAsked)
        {
            if (last <= segment - SlidingGrants.Segments)
            {
                _lastAsked.Remove(node);
            }
        }

        var silos = membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
        return Math.Max(1, Math.Max(silos, _lastAsked.Count));
    }
}
