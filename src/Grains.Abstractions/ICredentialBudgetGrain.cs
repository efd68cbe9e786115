using Orleans.Concurrency;

namespace SecretsStore.Grains.Abstractions;

/// <summary>
/// One credential's request budget across the whole cluster, keyed by the credential's rate-limit partition (a
/// digest such as <c>t:</c> and the hex of a token's SHA-256, never the token). It counts the permits it has handed
/// out over a sliding window and gives each gateway a lease of a few of them, which the gateway spends locally; so
/// only one request in a lease's size calls this grain. It keeps no state in storage: an activation lost with its
/// silo starts the window afresh.
/// </summary>
[Alias("SecretsStore.ICredentialBudgetGrain")]
public interface ICredentialBudgetGrain : IGrainWithStringKey
{
    /// <summary>Takes back what the gateway's previous lease left unspent, then grants a new lease if the window has room.</summary>
    [Alias("Lease")]
    Task<BudgetLease> LeaseAsync(LeaseRequest request);

    /// <summary>
    /// Takes back permits a gateway will not spend because it forgot the credential after it went idle. Without this
    /// a client slower than the gateway's idle eviction would lose most of every lease it took.
    /// </summary>
    [Alias("GiveBack"), OneWay]
    Task GiveBackAsync(UnspentPermits permits);
}

/// <summary>Permits of a lease counted in segment <paramref name="From"/> that will not be spent.</summary>
[GenerateSerializer, Immutable, Alias("SecretsStore.UnspentPermits")]
public sealed record UnspentPermits([property: Id(0)] long From, [property: Id(1)] int Count);

/// <summary>A gateway's request for permits.</summary>
/// <param name="Node">Names the asking gateway for this process's life, so the grain can size leases by the gateways in use.</param>
/// <param name="Limit">The configured permits per window; every gateway is configured alike.</param>
/// <param name="Window">The configured window.</param>
/// <param name="Unspent">Permits of the gateway's previous lease that expired unspent, given back.</param>
/// <param name="UnspentFrom">The <see cref="BudgetLease.GrantedIn"/> of that previous lease.</param>
[GenerateSerializer, Immutable, Alias("SecretsStore.LeaseRequest")]
public sealed record LeaseRequest(
    [property: Id(0)] Guid Node,
    [property: Id(1)] int Limit,
    [property: Id(2)] TimeSpan Window,
    [property: Id(3)] int Unspent,
    [property: Id(4)] long UnspentFrom);

/// <summary>Permits a gateway may spend within <see cref="Lifetime"/>, or none and how long until some free up.</summary>
/// <param name="GrantedIn">Which of the grain's window segments the permits were counted in; handed back with unspent ones.</param>
/// <param name="Nodes">How many gateways the grain sizes leases for; a gateway that cannot reach the grain falls back to Limit ÷ Nodes.</param>
[GenerateSerializer, Immutable, Alias("SecretsStore.BudgetLease")]
public sealed record BudgetLease(
    [property: Id(0)] int Permits,
    [property: Id(1)] long GrantedIn,
    [property: Id(2)] TimeSpan Lifetime,
    [property: Id(3)] TimeSpan RetryAfter,
    [property: Id(4)] int Nodes);
