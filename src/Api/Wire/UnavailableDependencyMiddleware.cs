using Microsoft.Extensions.Logging;

namespace SecretsStore.Api.Wire;

/// <summary>
/// Answers 503 when storage or the cluster is down, with one warning line instead of the error and stack trace the
/// exception handler would log for each request: an outage is expected, and must not flood the log.
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
            logger.LogWarning("{Method} {Path} answered 503: {Fault}", context.Request.Method, context.Request.Path, ex.GetType().Name);
            await ApiResults.Unavailable().ExecuteAsync(context);
        }
    }
}
