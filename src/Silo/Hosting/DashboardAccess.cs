using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Orleans.Dashboard;
using SecretsStore.Api.Access;

namespace SecretsStore.Silo.Hosting;

/// <summary>
/// The Orleans dashboard at <c>/dashboard</c>, for the operator only. It is unauthenticated by itself and can
/// activate grains, so every request must carry the admin token: as a bearer token, or as the password of HTTP
/// Basic authentication so that a browser can open it (any user name).
/// </summary>
public static class DashboardAccess
{
    public const string Path = "/dashboard";

    public static WebApplication MapOperatorDashboard(this WebApplication app, IConfiguration configuration)
    {
        var adminToken = configuration["SecretsStore:AdminToken"];
        var adminHash = string.IsNullOrEmpty(adminToken) ? null : TokenHasher.Hash(adminToken);
        app.UseWhen(context => context.Request.Path.StartsWithSegments(Path), branch => branch.Use(async (context, next) =>
        {
            if (adminHash is not null && PresentedToken(context.Request) is { } token && TokenHasher.FixedTimeEquals(TokenHasher.Hash(token), adminHash))
            {
                await next(context);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"SecretsStore dashboard\", charset=\"UTF-8\"";
        }));
        app.MapOrleansDashboard(Path).ExcludeFromDescription();
        return app;
    }

    private static string? PresentedToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            var colon = pair.IndexOf(':');
            return colon < 0 ? null : pair[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
