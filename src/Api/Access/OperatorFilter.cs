using SecretsStore.Api.Audit;

namespace SecretsStore.Api.Access;

/// <summary>Lets only the operator's token through to the admin routes; on audited routes, refusals are recorded.</summary>
public sealed class OperatorFilter(PrincipalResolver resolver) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var (principal, failure) = await resolver.ResolveAsync(http.Request);
        if (failure is not null)
        {
            return ApiResults.Error(failure);
        }

        if (AuditScope.ActionOf(http) is { } action)
        {
            var requestId = RequestIds.Of(http);
            var caller = principal is OperatorPrincipal ? Caller.Operator(requestId) : principal!.AuditCaller().ForRequest(requestId);
            http.Features.Set(new AuditScope(null, caller, action));
        }

        return principal is OperatorPrincipal ? await next(context) : await GatewayAudit.RefuseAsync(http, ApiResults.Unauthorized(Errors.AdminRoutesNeedAdminToken()));
    }
}
