using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SecretsStore.Api.Access;
using SecretsStore.Persistence.Access;

namespace SecretsStore.Silo.Hosting;

/// <summary>
/// Lets only the operator through to the pages that are not the API's (the Orleans dashboard, the metrics): the admin
/// token as a bearer token, or as the password of HTTP Basic authentication, which a browser asks for and a
/// Prometheus scrape job can send (any user name). The metrics' gate also takes the scrape token
/// (<c>SecretsStore:Metrics:Token</c>), which no other gate, and not the API, knows. Without an admin token configured
/// the dashboard's gate refuses everyone.
/// </summary>
public sealed class OperatorGate
{
    private readonly AdminToken _adminToken;
    private readonly AdminToken _alsoAdmits;

    /// <summary>Parses the token from the request's headers; the comparison is <see cref="AdminToken"/>'s, as for the API.</summary>
    /// <param name="alsoAdmits">One more token this gate (and only this one) lets through, or null.</param>
    public OperatorGate(string? adminToken, string? alsoAdmits = null)
    {
        _adminToken = AdminToken.Of(adminToken);
        _alsoAdmits = AdminToken.Of(alsoAdmits);
    }

    /// <summary>The gate for the host's admin token, a development run's included.</summary>
    public static OperatorGate For(IServiceProvider services) =>
        new(services.GetRequiredService<IOptions<SecretsStoreHostOptions>>().Value.AdminToken);

    /// <summary>The metrics' gate: the admin token or the scrape token.</summary>
    public static OperatorGate ForMetrics(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<SecretsStoreHostOptions>>().Value;
        return new(options.AdminToken, options.Metrics.Token);
    }

    /// <summary>Adds the check to a branch of the pipeline; what follows it runs only for the operator.</summary>
    public void Guard(IApplicationBuilder branch, string realm)
    {
        var challenge = $"Basic realm=\"{realm}\", charset=\"UTF-8\"";
        branch.Use(async (context, next) =>
        {
            if (Admits(context.Request))
            {
                await next(context);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = challenge;
        });
    }

    public bool Admits(HttpRequest request)
    {
        if (PresentedToken(request) is not { } token)
        {
            return false;
        }

        var hash = TokenHasher.Hash(token);
        // Both compared, in fixed time, whichever matches: the answer's timing tells nothing of which token it was.
        return _adminToken.Matches(hash) | _alsoAdmits.Matches(hash);
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
