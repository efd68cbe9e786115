using Microsoft.Extensions.DependencyInjection;

namespace SecretsStore.Api.Audit;

/// <summary>
/// Records the refusals the gateway gives on audited routes itself (a credential on the wrong route, a body that is
/// not JSON) before answering them. A refusal that cannot be recorded is answered 503, as any audited answer.
/// </summary>
public static class GatewayAudit
{
    /// <remarks>Generic so that a handler gets its own answer type back.</remarks>
    public static async Task<TResult> RefuseAsync<TResult>(HttpContext http, AuditScope scope, TResult refusal) where TResult : EnvelopeResult
    {
        if (refusal.Refusal is { } error)
        {
            var clock = http.RequestServices.GetRequiredService<TimeProvider>();
            await http.RequestServices.GetRequiredService<AuditLog>()
                .AppendAsync(scope.Refused(clock.GetUtcNow().UtcDateTime, error.Status, error.Code, error.Message));
        }

        return refusal;
    }

    /// <summary>As <see cref="RefuseAsync{TResult}(HttpContext, AuditScope, TResult)"/> when the request is audited; else the refusal as it is.</summary>
    public static Task<TResult> RefuseAsync<TResult>(HttpContext http, TResult refusal) where TResult : EnvelopeResult =>
        AuditScope.Of(http) is { } scope ? RefuseAsync(http, scope, refusal) : Task.FromResult(refusal);

    /// <summary>As above, answering the refusal in a handler's own answer type.</summary>
    public static Task<TAnswer> RefuseAsync<TAnswer>(HttpContext http, StoreError refusal) where TAnswer : EnvelopeResult, IEnvelopeAnswer<TAnswer> =>
        RefuseAsync(http, TAnswer.Refuse(refusal));
}
