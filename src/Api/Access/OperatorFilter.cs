using SecretsStore.Api.Audit;

namespace SecretsStore.Api.Access;

/// <summary>
/// Lets only the operator's token through to the admin routes. On audited routes it opens the request's
/// <see cref="AuditScope"/> first, so that <see cref="AuditedRefusals"/> records its refusal and the handler's, and runs
/// the handler inside it, so that its grain calls carry the <see cref="AuditedRequest"/>.
/// </summary>
public sealed class OperatorFilter(PrincipalResolver resolver, TimeProvider clock) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var (principal, failure) = await resolver.ResolveAsync(http.Request);
        if (failure is not null)
        {
            return ApiResults.Error(failure);
        }

        var scope = AuditScope.ActionOf(http) is { } action
            ? AuditScope.Open(http, null, principal!.AuditCaller(), action, clock.GetUtcNow().UtcDateTime)
            : null;
        if (principal is not OperatorPrincipal)
        {
            return ApiResults.Unauthorized(Errors.AdminRoutesNeedAdminToken());
        }

        return scope is null ? await next(context) : await scope.RunAsync(context, next);
    }
}
