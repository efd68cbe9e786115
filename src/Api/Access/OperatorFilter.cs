using Microsoft.AspNetCore.Http;
using SecretsStore.Api.Wire;

namespace SecretsStore.Api.Access;

/// <summary>Lets only the operator's token through to the admin routes.</summary>
public sealed class OperatorFilter(PrincipalResolver resolver) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var (principal, failure) = await resolver.ResolveAsync(context.HttpContext.Request);
        if (failure is not null)
        {
            return failure;
        }

        return principal is OperatorPrincipal ? await next(context) : ApiResults.Unauthorized();
    }
}
