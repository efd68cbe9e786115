using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using SecretsStore.Api.Observability;

namespace SecretsStore.Api.Access;

/// <summary>
/// Runs just before the rate limiter and resolves the request's credential first, so that only a credential that
/// exists gets a cluster-wide budget (a grain): the limiter keys that budget by it, and limits everything else
/// (no credential, an unknown one) by client address on this gateway alone. A credential either cache knows costs
/// nothing here. One that needs the database is looked up only while its client address is within its limit of
/// failed authentications (<see cref="FailedAuthentications"/>), or when this gateway found it valid lately
/// (<see cref="PrincipalResolver.WasRecentlyValid"/>); otherwise the answer is 429 (code 971, with Retry-After)
/// before any look-up. Endpoints that are never limited (health probes, the metrics scrape) skip this
/// as they skip the limiter.
/// </summary>
/// <remarks>
/// Every failed authentication is answered only after <c>SecretsStore:RateLimit:FailedAuthenticationDelay</c>: a flood's
/// connections then wait on timers instead of taking the cores from real clients.
/// </remarks>
public sealed class CredentialAdmission(
    RequestDelegate next, PrincipalResolver resolver, FailedAuthentications failures, GatewayMetrics metrics, IOptions<ApiOptions> options)
{
    private readonly TimeSpan _failureDelay = options.Value.RateLimit.FailedAuthenticationDelay;

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<DisableRateLimitingAttribute>() is not null)
        {
            return next(context);
        }

        if (resolver.TryResolveCached(context, out _))
        {
            return Admit(context);
        }

        return failures.IsBlocked(ClientAddress.Of(context), out var retryAfter) && !resolver.WasRecentlyValid(context)
            ? Refuse(context, retryAfter)
            : LookUpThenAdmitAsync(context);
    }

    private async Task LookUpThenAdmitAsync(HttpContext context)
    {
        await resolver.ResolveAsync(context.Request);
        await Admit(context);
    }

    /// <summary>An unknown credential counts against its address; once the address is over its limit it is refused here.</summary>
    private Task Admit(HttpContext context)
    {
        if (!PrincipalResolver.IsUnknownCredential(context))
        {
            return next(context);
        }

        // Counted now, answered (401 by the route, or 429 here) after the delay.
        return failures.TryCount(ClientAddress.Of(context), out var retryAfter) ? AfterDelayAsync(context, next) : Refuse(context, retryAfter);
    }

    private Task Refuse(HttpContext context, TimeSpan retryAfter)
    {
        metrics.FailedAuthenticationsThrottled();
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        return AfterDelayAsync(context, http => ApiResults.TooManyRequests(seconds).ExecuteAsync(http));
    }

    private async Task AfterDelayAsync(HttpContext context, RequestDelegate answer)
    {
        if (_failureDelay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(_failureDelay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return; // the client gave up waiting: nobody to answer
            }
        }

        await answer(context);
    }
}
