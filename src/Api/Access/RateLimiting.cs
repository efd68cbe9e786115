using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SecretsStore.Api.Access;

/// <summary>How many requests one credential may make per window (<c>SecretsStore:RateLimit</c>), across the whole cluster.</summary>
public sealed class RateLimitOptions
{
    /// <summary>Cloudflare's own API allows 1,200 requests per five minutes per user.</summary>
    public int Requests { get; set; } = 1_200;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Throttles each credential (or, without one, each client address) with a sliding window shared by every gateway of
/// the cluster (<see cref="CredentialBudget"/>), and answers the excess with 429, code 971 and Retry-After. Health
/// probes are never throttled: their endpoints say so with <c>DisableRateLimiting()</c>, which the middleware honours
/// before it asks this limiter.
/// </summary>
public static class RateLimiting
{
    public static IServiceCollection AddSecretsStoreRateLimiting(this IServiceCollection services)
    {
        services.AddSingleton<ClusterBudgets>();
        services.AddOptions<RateLimiterOptions>().Configure<ClusterBudgets>((options, budgets) =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.Get(PartitionKey(context), partition => new CredentialBudget(partition, budgets)));
            options.OnRejected = (rejected, ct) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : budgets.Limits.Window / 10;
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                return new ValueTask(ApiResults.TooManyRequests(seconds).ExecuteAsync(rejected.HttpContext));
            };
        });
        return services.AddRateLimiter(_ => { });
    }

    /// <summary>A digest of the presented credential, so the key never holds a token; the client address otherwise.</summary>
    private static string PartitionKey(HttpContext context) =>
        PresentedCredential.Of(context).Partition ?? "a:" + context.Connection.RemoteIpAddress;
}
