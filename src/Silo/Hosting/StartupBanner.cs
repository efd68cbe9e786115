using System.Text;

namespace SecretsStore.Silo.Hosting;

/// <summary>What a person needs once the service is up: where it listens and how to log in.</summary>
public static class StartupBanner
{
    public static string Describe(SecretsStoreApp app)
    {
        var baseUrl = app.BaseAddress.ToString().TrimEnd('/');
        var environment = app.Web.Environment.EnvironmentName;
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

        if (app.Credentials is { } credentials)
        {
            text.AppendLine($"  account_id:    {credentials.AccountId}")
                .AppendLine($"  account_token: {credentials.AccountToken}   (write)")
                .AppendLine($"  admin_token:   {credentials.AdminToken}")
                .AppendLine("  (kept in credentials.json under the data folder, readable only by you)");
            if (app.Role != HostRole.Silo)
            {
                text.AppendLine()
                    .AppendLine("Try it:")
                    .AppendLine($"  curl -s -H 'Authorization: Bearer {credentials.AccountToken}' {baseUrl}/client/v4/accounts/{credentials.AccountId}/secrets_store/quota");
            }
        }

        return text.ToString();
    }
}
