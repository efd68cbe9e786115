using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SecretsStore.Api.Access;
using SecretsStore.Api.Audit;
using SecretsStore.Api.Wire;

namespace SecretsStore.Api.Observability;

/// <summary>
/// One log line per request when <c>SecretsStore:Logging:Requests</c> is true (docs/observability.md): who asked for
/// which route of which account, and how it was answered. It names the principal as the audit trail does (a token by
/// its id, a key by its email, a service by its name) and the route by its template, and logs no header, body, value
/// or token. Off, it is not in the pipeline at all.
/// </summary>
public static partial class RequestLog
{
    public const string Category = "SecretsStore.Requests";

    public static IApplicationBuilder UseSecretsStoreRequestLog(this IApplicationBuilder app)
    {
        if (!app.ApplicationServices.GetRequiredService<IOptions<ApiOptions>>().Value.Logging.Requests)
        {
            return app;
        }

        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
        var resolver = app.ApplicationServices.GetRequiredService<PrincipalResolver>();
        return app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                // Routing has run by now; the route is the template, which holds no id, name or value.
                var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "-";
                var (kind, id) = PrincipalOf(resolver, context);
                Answered(
                    logger, context.Request.Method, route, context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                    RequestIdOf(context), kind, id, AccountOf(context));
            }
        });
    }

    [LoggerMessage(
        EventId = 1, EventName = "RequestAnswered", Level = LogLevel.Information,
        Message = "{Method} {Route} answered {Status} in {DurationMs:0.0} ms; request {RequestId}, principal {PrincipalKind} {PrincipalId}, account {AccountId}")]
    private static partial void Answered(
        ILogger logger, string method, string route, int status, double durationMs, string requestId, string principalKind, string principalId, string accountId);

    /// <summary>The audit trail's request id when the route is audited (the client saw it as x-request-id), else the server's own.</summary>
    private static string RequestIdOf(HttpContext context) =>
        context.Response.Headers[RequestIds.Header] is { Count: > 0 } audited ? audited.ToString() : context.TraceIdentifier;

    private static string AccountOf(HttpContext context)
    {
        var values = context.Request.RouteValues;
        var raw = (values["account_id"] ?? values["account_tag"]) as string;
        return raw is not null && RouteIds.TryParseAccount(raw, out var account) ? account.ToString("N") : "-";
    }

    /// <summary>
    /// The credential's principal as the request resolved it, or as a cache knows it; never a database look-up of its
    /// own, which a request that was refused before its look-up (429, a probe) would add to every unknown credential.
    /// </summary>
    private static (string Kind, string Id) PrincipalOf(PrincipalResolver resolver, HttpContext context)
    {
        var presented = PresentedCredential.Of(context);
        if (!presented.HasAuthorization && presented.KeyHash is null)
        {
            return ("anonymous", "-");
        }

        if (!resolver.TryResolveCached(context, out var resolution))
        {
            return ("unresolved", "-");
        }

        return resolution.Principal switch
        {
            AccountTokenPrincipal token => ("account_token", token.TokenId),
            AccountKeyPrincipal key => ("account_key", key.Email),
            ServicePrincipal service => ("service", service.Name),
            OperatorPrincipal => ("operator", "-"),
            _ => ("unknown", "-"),
        };
    }
}
