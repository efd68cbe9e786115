using Microsoft.Extensions.Logging;

namespace SecretsStore.Api.Wire;

/// <summary>
/// Answers 503 when storage or the cluster is down, with one warning line instead of the error and stack trace the
/// exception handler would log for each request: an outage is expected, and must not flood the log. The line names
/// the route's template, never the request's path: a decoded path is the client's text (<c>%0A</c> would forge a
/// log line) and may carry ids or names the log has no need of.
/// </summary>
public sealed class UnavailableDependencyMiddleware(RequestDelegate next, ILogger<UnavailableDependencyMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (FaultResults.IsUnavailable(ex) && !context.Response.HasStarted)
        {
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "-";
            logger.LogWarning("{Method} {Route} answered 503: {Fault}", context.Request.Method, route, ex.GetType().Name);
            await ApiResults.Unavailable().ExecuteAsync(context);
        }
    }
}
