using Microsoft.Extensions.DependencyInjection;

namespace SecretsStore.Api.Audit;

/// <summary>
/// Records the refusals the gateway gives on audited routes itself (a credential on the wrong route, a body that is
/// not JSON) before answering them. A refusal that cannot be recorded is answered 503, as any audited answer.
/// </summary>
public static class GatewayAudit
{
    public static async Task<IResult> RefuseAsync(HttpContext http, AuditScope scope, IResult refusal)
    {
        if (refusal is EnvelopeResult { Refusal: { } error })
        {
            var clock = http.RequestServices.GetRequiredService<TimeProvider>();
            await http.RequestServices.GetRequiredService<AuditLog>()
                .AppendAsync(scope.Refused(clock.GetUtcNow().UtcDateTime, error.Status, error.Code, error.Message));
        }

        return refusal;
    }

    /// <summary>As <see cref="RefuseAsync(HttpContext, AuditScope, IResult)"/> when the request is audited; else the refusal as it is.</summary>
    public static Task<IResult> RefuseAsync(HttpContext http, IResult refusal) =>
        AuditScope.Of(http) is { } scope ? RefuseAsync(http, scope, refusal) : Task.FromResult(refusal);
}
