using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SecretsStore.Api.Access;

/// <summary>
/// How many requests one credential may make per window (<c>SecretsStore:RateLimit</c>), across the whole cluster;
/// and how often one client address may fail to authenticate, on each gateway.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>Cloudflare's own API allows 1,200 requests per five minutes per user.</summary>
    public int Requests { get; set; } = 1_200;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Unknown tokens or keys one client address may present per <see cref="FailedAuthenticationWindow"/> before its
    /// uncached credentials are refused with 429 unlooked-up (<see cref="FailedAuthentications"/>). Far above what a
    /// client with a mistyped token sends, far below a flood.
    /// </summary>
    public int FailedAuthentications { get; set; } = 100;

    public TimeSpan FailedAuthenticationWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a failed authentication waits before its answer (401 for an unknown credential, 429 past the limit).
    /// Refusing costs about what serving costs, so a flood answered at once would take half of the cores from real
    /// clients; held for this long, each of its connections sends a few requests a second instead of thousands, and the
    /// wait costs a timer. A person with a mistyped token never notices a quarter of a second.
    /// </summary>
    public TimeSpan FailedAuthenticationDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest <see cref="FailedAuthenticationDelay"/> may be: clients time out eventually, and held requests hold memory.</summary>
    public static readonly TimeSpan MaxFailedAuthenticationDelay = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Throttles each credential that resolved (<see cref="CredentialAdmission"/> resolves it first) with a sliding window
/// shared by every gateway of the cluster (<see cref="CredentialBudget"/>), and everything else (no credential, an
/// unknown one) by client address with a sliding window on this gateway alone, so a credential that names nothing
/// never activates a grain. The excess is answered with 429, code 971 and Retry-After. Health probes are never
/// throttled: their endpoints say so with <c>DisableRateLimiting()</c>, which the middleware honours before it asks
/// this limiter.
/// </summary>
public static class RateLimiting
{
    public static IServiceCollection AddSecretsStoreRateLimiting(this IServiceCollection services)
    {
        services.AddSingleton<ClusterBudgets>();
        services.AddSingleton<FailedAuthentications>();
        services.AddOptions<RateLimiterOptions>().Configure<ClusterBudgets, PrincipalResolver>((options, budgets, resolver) =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => PartitionOf(context, resolver, budgets));
            options.OnRejected = (rejected, ct) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : budgets.Limits.Window / 10;
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                return new ValueTask(ApiResults.TooManyRequests(seconds).ExecuteAsync(rejected.HttpContext));
            };
        });
        return services.AddRateLimiter(_ => { });
    }

    /// <summary>
    /// A resolved credential's cluster budget, keyed by its digest so the key never holds a token; otherwise the client
    /// address's budget on this gateway.
    /// </summary>
    private static RateLimitPartition<string> PartitionOf(HttpContext context, PrincipalResolver resolver, ClusterBudgets budgets)
    {
        if (resolver.TryResolveCached(context, out var resolution)
            && resolution.Principal is not null && PresentedCredential.Of(context).Partition is { } credential)
        {
            return RateLimitPartition.Get(credential, partition => new CredentialBudget(partition, budgets));
        }

        var limits = budgets.Limits;
        return RateLimitPartition.GetSlidingWindowLimiter("a:" + ClientAddress.Of(context), _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = limits.Requests,
            Window = limits.Window,
            SegmentsPerWindow = 10,
            QueueLimit = 0,
        });
    }
}
