using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace SecretsStore.Silo.Hosting;

/// <summary>What a person needs once the service is up (where it listens and how to log in), and when it stops.</summary>
public static class StartupBanner
{
    public static string Describe(SecretsStoreApp app)
    {
        var baseUrl = app.BaseAddress.ToString().TrimEnd('/');
        var environment = app.Web.Environment.EnvironmentName;
        var development = app.Development;
        var text = new StringBuilder().AppendLine();
        if (app.Role == HostRole.Silo)
        {
            // The credentials below still hold: they work through any gateway of this cluster.
            text.AppendLine($"SecretsStore silo is up ({environment}); {baseUrl}/healthz and {baseUrl}/readyz answer probes, the API is served by gateways");
        }
        else
        {
            text.AppendLine($"SecretsStore {(app.Role == HostRole.Gateway ? "gateway " : "")}is listening on {baseUrl} ({environment})")
                .AppendLine($"  API base URL (Cloudflare SDK baseURL, wrangler CLOUDFLARE_API_BASE_URL): {baseUrl}/client/v4");
        }

        if (development?.Ports.HttpMoved == true)
        {
            text.AppendLine($"  NOTE: port {Development.DevelopmentPorts.DefaultHttpPort} is taken by another process, so this run listens on {baseUrl} instead:")
                .AppendLine($"        use {baseUrl} wherever the README says http://127.0.0.1:{Development.DevelopmentPorts.DefaultHttpPort} (or choose one with ASPNETCORE_URLS).");
        }

        if (app.Credentials is { } credentials)
        {
            text.AppendLine($"  account_id:    {credentials.AccountId}")
                .AppendLine($"  account_token: {credentials.AccountToken}   (write)")
                .AppendLine($"  admin_token:   {credentials.AdminToken}")
                .AppendLine("  (kept in credentials.json under the data folder, readable only by you)");
        }

        if (development is not null)
        {
            text.AppendLine($"  data folder:   {development.Folder} (master key, credentials, cluster certificates)")
                .AppendLine($"  database:      {development.DatabaseFolder} (PostgreSQL on 127.0.0.1:{development.DatabasePort})");
        }

        if (OrleansPorts(app) is { } orleans)
        {
            text.AppendLine($"  Orleans:       {orleans}");
        }

        if (app.Credentials is { } forCurl && app.Role != HostRole.Silo)
        {
            text.AppendLine()
                .AppendLine("Try it:")
                .AppendLine($"  curl -s -H 'Authorization: Bearer {forCurl.AccountToken}' {baseUrl}/client/v4/accounts/{forCurl.AccountId}/secrets_store/quota");
        }

        return text.ToString();
    }

    /// <summary>Said once, as a stop begins (SIGTERM, Ctrl-C).</summary>
    public static string Stopping(SecretsStoreApp app) => $"Stopping SecretsStore{(app.Role == HostRole.Combined ? "" : $" {app.Role.ToString().ToLowerInvariant()}")} ...";

    /// <summary>Said once everything has stopped, a development run's PostgreSQL included.</summary>
    public static string Stopped(SecretsStoreApp app) => app.Development is { } development
        ? $"SecretsStore stopped, and its PostgreSQL under {development.DatabaseFolder}."
        : "SecretsStore stopped.";

    /// <summary>What the silo advertises, which membership records: the ports it really listens on.</summary>
    private static string? OrleansPorts(SecretsStoreApp app)
    {
        if (app.Role == HostRole.Gateway || app.Web.Services.GetService<ILocalSiloDetails>() is not { } silo)
        {
            return null;
        }

        var gateway = silo.GatewayAddress is { } address ? $"gateway port {address.Endpoint.Port}" : "no gateway port";
        return $"silo port {silo.SiloAddress.Endpoint.Port} on {silo.SiloAddress.Endpoint.Address}, {gateway}";
    }
}
