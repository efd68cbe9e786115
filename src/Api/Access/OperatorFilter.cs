using SecretsStore.Api.Audit;

namespace SecretsStore.Api.Access;

/// <summary>
/// Lets only the operator's token through to the admin routes. On audited routes it opens the request's
/// <see cref="AuditScope"/> first, so that <see cref="AuditedRefusals"/> records its refusal and the handler's.
/// </summary>
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

        return principal is OperatorPrincipal ? await next(context) : ApiResults.Unauthorized(Errors.AdminRoutesNeedAdminToken());
    }
}
