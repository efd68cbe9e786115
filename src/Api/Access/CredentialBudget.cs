using System.Diagnostics;
using System.Threading.RateLimiting;

namespace SecretsStore.Api.Access;

/// <summary>
/// One credential's budget on this gateway: permits leased from the credential's <c>ICredentialBudgetGrain</c>, spent
/// here with an atomic decrement, so a request calls the grain only when the lease is spent or has expired (one in
/// Limit ÷ (10 × gateways)). Half-way through a lease (half its permits or half its lifetime gone) one request starts
/// renewing it in the background while the rest go on spending it, so requests do not wait on the grain while a lease
/// is still good; the old lease's rest goes back to the grain once the new one arrives. Unspent permits of an expired
/// lease go back with the next request for one.
/// <para>
/// When the grain cannot be reached (its silo died and is not yet declared dead, the cluster is unreachable) the
/// credential fails open to a local sliding window of this gateway's share of the budget, Limit ÷ gateways, for
/// <see cref="ClusterBudgets.FallbackPeriod"/>, then asks the grain again. The limit guards against floods, not
/// access: answering 503 instead would let a limiter fault take every read down with it, while the share keeps the
/// cluster's total near the budget for as long as the grain is away.
/// </para>
/// </summary>
internal sealed class CredentialBudget(string partition, ClusterBudgets cluster) : RateLimiter
{
    /// <summary>Attempts at a fresh lease before a request gives up to concurrent requests that spent each one first.</summary>
    private const int LeaseAttempts = 3;

    private readonly Lock _gate = new();
    private int _permits;
    private long _expiresAt;
    private long _grantedIn;
    private long _renewAt = long.MaxValue;
    private int _renewBelow = int.MinValue;
    private long _deniedUntil;
    private long _fallbackUntil;
    private int _nodes = 1;
    private long _lastUsed = Stopwatch.GetTimestamp();
    private SlidingWindowRateLimiter? _fallback;
    private Task? _refill;

    public override TimeSpan? IdleDuration => Stopwatch.GetElapsedTime(Volatile.Read(ref _lastUsed));

    public override RateLimiterStatistics? GetStatistics() => null;

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        var now = Stopwatch.GetTimestamp();
        Volatile.Write(ref _lastUsed, now);
        if (now < Volatile.Read(ref _expiresAt))
        {
            var left = Interlocked.Add(ref _permits, -permitCount);
            if (left >= 0)
            {
                if ((left <= Volatile.Read(ref _renewBelow) || now >= Volatile.Read(ref _renewAt)) && Volatile.Read(ref _refill) is null)
                {
                    _ = LeaseAsync(renew: true);
                }

                return PermitLease.Acquired;
            }
        }

        if (now < Volatile.Read(ref _fallbackUntil) && Volatile.Read(ref _fallback) is { } fallback)
        {
            return fallback.AttemptAcquire(permitCount);
        }

        var deniedUntil = Volatile.Read(ref _deniedUntil);
        return now < deniedUntil ? PermitLease.Refused(Stopwatch.GetElapsedTime(now, deniedUntil)) : PermitLease.NotYet;
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < LeaseAttempts; attempt++)
        {
            var lease = AttemptAcquireCore(permitCount);
            if (lease != PermitLease.NotYet)
            {
                return lease;
            }

            await LeaseAsync(renew: false).WaitAsync(cancellationToken);
        }

        return PermitLease.Refused(TimeSpan.FromTicks(cluster.Limits.Window.Ticks / 10));
    }

    /// <summary>
    /// One lease request at a time per credential: the requests that find the lease spent all wait for it, and a renewal
    /// under way serves them too.
    /// </summary>
    private Task LeaseAsync(bool renew)
    {
        lock (_gate)
        {
            if (_refill is { } running)
            {
                return running;
            }

            // One that finished at once (nothing to ask) has already run its finally: it must not be kept as running.
            var started = LeaseCoreAsync(renew);
            if (!started.IsCompleted)
            {
                _refill = started;
            }

            return started;
        }
    }

    private async Task LeaseCoreAsync(bool renew)
    {
        try
        {
            var valid = Stopwatch.GetTimestamp() < Volatile.Read(ref _expiresAt) && Volatile.Read(ref _permits) > 0;
            if (valid && !renew)
            {
                return; // Refilled by the request before: nothing to ask.
            }

            // Anything left of a lease no longer good goes back with the request, rather than counting as spent.
            var unspent = valid ? 0 : Math.Max(0, Interlocked.Exchange(ref _permits, 0));
            var lease = await cluster.LeaseAsync(partition, unspent, _grantedIn);
            var now = Stopwatch.GetTimestamp();
            _nodes = lease.Nodes;
            if (lease.Permits > 0)
            {
                var lifetime = Ticks(lease.Lifetime);
                Volatile.Write(ref _renewAt, now + (lifetime / 2));
                Volatile.Write(ref _renewBelow, lease.Permits / 2);
                Volatile.Write(ref _expiresAt, now + lifetime);
                var rest = Interlocked.Exchange(ref _permits, lease.Permits);
                var restFrom = _grantedIn;
                _grantedIn = lease.GrantedIn;
                if (rest > 0)
                {
                    // What requests did not spend of the renewed lease while the new one was on its way.
                    cluster.GiveBack(partition, restFrom, rest);
                }
            }
            else
            {
                StopRenewing();
                Volatile.Write(ref _deniedUntil, now + Ticks(lease.RetryAfter));
            }
        }
        catch (Exception fault)
        {
            StopRenewing();
            // No token cancels a refill, so whatever it threw (a timeout, an unavailable silo) means the grain failed.
            StartFallback();
            cluster.GrainUnreachable(fault);
        }
        finally
        {
            lock (_gate)
            {
                _refill = null;
            }
        }
    }

    /// <summary>The current lease runs out as it is: the next lease is asked for when it is spent or expired.</summary>
    private void StopRenewing()
    {
        Volatile.Write(ref _renewAt, long.MaxValue);
        Volatile.Write(ref _renewBelow, int.MinValue);
    }

    private void StartFallback()
    {
        _fallback ??= new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, cluster.Limits.Requests / Math.Max(1, _nodes)),
            Window = cluster.Limits.Window,
            SegmentsPerWindow = 10,
            QueueLimit = 0,
        });
        Volatile.Write(ref _fallbackUntil, Stopwatch.GetTimestamp() + Ticks(ClusterBudgets.FallbackPeriod));
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    /// <summary>
    /// The partitioned limiter disposes a credential's budget after ten idle seconds (asynchronously, when it does):
    /// what is left of its lease goes back to the grain rather than counting as spent for the rest of the window.
    /// </summary>
    protected override ValueTask DisposeAsyncCore()
    {
        Release();
        return default;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Release();
        }

        base.Dispose(disposing);
    }

    private void Release()
    {
        var unspent = Interlocked.Exchange(ref _permits, 0);
        if (unspent > 0)
        {
            cluster.GiveBack(partition, _grantedIn, unspent);
        }

        _fallback?.Dispose();
    }
}
