using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SecretsStore.Api.Wire;

namespace SecretsStore.Api.OpenApi;

/// <summary>Documents what the handlers read and answer by hand, since they parse bodies themselves.</summary>
public static class EndpointDocs
{
    /// <summary>The JSON body the route reads (whatever Content-Type the client sends).</summary>
    public static RouteHandlerBuilder AcceptsJson<T>(this RouteHandlerBuilder route) where T : notnull =>
        route.Accepts<T>("application/json");

    /// <summary>The error envelope, under each status the route can answer with.</summary>
    public static RouteHandlerBuilder ProducesErrors(this RouteHandlerBuilder route, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            route.Produces<ErrorEnvelope>(status);
        }

        return route;
    }

    /// <summary>The errors every authenticated route can give: credentials, permission, and faults.</summary>
    public static RouteHandlerBuilder ProducesAccessErrors(this RouteHandlerBuilder route) =>
        route.ProducesErrors(
            StatusCodes.Status400BadRequest,
            StatusCodes.Status401Unauthorized,
            StatusCodes.Status403Forbidden,
            StatusCodes.Status500InternalServerError,
            StatusCodes.Status503ServiceUnavailable);
}
