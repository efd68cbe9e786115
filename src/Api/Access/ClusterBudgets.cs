using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SecretsStore.Api.Access;

/// <summary>This gateway's side of the cluster-wide rate limit: who it is to the budget grains, and how it asks them.</summary>
public sealed class ClusterBudgets(IGrainFactory grains, IOptions<ApiOptions> options, ILogger<ClusterBudgets> logger)
{
    private readonly RateLimitOptions _limits = options.Value.RateLimit;

    /// <summary>
    /// A grain that has not answered by then is treated as unreachable: a request waits at most this long for a lease.
    /// A live grain answers in well under a millisecond; a silo that died holding it takes seconds to be declared dead.
    /// </summary>
    public static readonly TimeSpan GrainTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How long a partition counts on its own after its grain failed, before it asks the grain again.</summary>
    public static readonly TimeSpan FallbackPeriod = TimeSpan.FromSeconds(5);

    /// <summary>Names this gateway to the grains for the process's life.</summary>
    public Guid Node { get; } = Guid.NewGuid();

    public RateLimitOptions Limits => _limits;

    /// <param name="partition">The credential's digest (<see cref="PresentedCredential.Partition"/>), never a token.</param>
    public Task<BudgetLease> LeaseAsync(string partition, int unspent, long unspentFrom) =>
        grains.GetGrain<ICredentialBudgetGrain>(partition)
            .LeaseAsync(new LeaseRequest(Node, _limits.Requests, _limits.Window, unspent, unspentFrom))
            .WaitAsync(GrainTimeout);

    /// <summary>One-way: a gateway forgetting an idle credential does not wait for the grain, and a lost message costs only under-admission.</summary>
    public void GiveBack(string partition, long from, int count) =>
        _ = grains.GetGrain<ICredentialBudgetGrain>(partition).GiveBackAsync(new UnspentPermits(from, count));

    /// <summary>Logged without the partition: it names no token, but an operator needs the fact, not the key.</summary>
    public void GrainUnreachable(Exception fault) => logger.LogWarning(
        "A rate-limit budget grain did not answer ({Fault}); its credential is counted against this gateway's share of the budget for {Seconds} s",
        fault.GetType().Name, FallbackPeriod.TotalSeconds);
}
