using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using SecretsStore.Silo.Hosting;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Hosting;

/// <summary>
/// The scrape endpoint after a workload: every instrument of ours with plausible values, ASP.NET Core's requests by
/// route and status, Orleans' meter; for the operator only, and never a value or a token in it.
/// </summary>
public sealed class MetricsTests
{
    // Mapped as the group's empty pattern, so the template keeps the group's trailing slash.
    private const string CreateRoute = "/client/v4/accounts/{account_id}/secrets_store/stores/{store_id}/secrets/";

    [Fact]
    public async Task AfterAWorkloadTheScrapeShowsEveryInstrumentToTheOperatorAndNoSecret()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("metrics"));
        await using var app = await TestHost.StartAsync(settings);
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var workload = await SecretWorkload.RunAsync(new ApiClient(http), settings);
        Assert.Equal("Production", app.Web.Environment.EnvironmentName);

        Assert.Equal(HttpStatusCode.Unauthorized, (await ScrapeAsync(http, null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ScrapeAsync(http, new("Bearer", workload.Account.WriteToken))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ScrapeAsync(http, new("Bearer", workload.ServiceToken))).Status);
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"prometheus:{settings.AdminToken}"));
        Assert.Equal(HttpStatusCode.OK, (await ScrapeAsync(http, new("Basic", basic))).Status);
        var (status, text) = await ScrapeAsync(http, new("Bearer", settings.AdminToken));
        Assert.Equal(HttpStatusCode.OK, status);
        var scrape = new Scrape(text);

        // Other hosts in this test process record into meters of the same names, so these are lower bounds.
        scrape.AtLeast(1, "secretsstore_secrets_created_total");
        scrape.AtLeast(1, "secretsstore_secrets_patched_total");
        scrape.AtLeast(1, "secretsstore_secrets_duplicated_total");
        scrape.AtLeast(1, "secretsstore_secrets_deleted_total");
        scrape.AtLeast(2, "secretsstore_secret_values_read_total", "outcome=\"allowed\"");
        scrape.AtLeast(1, "secretsstore_secret_values_read_total", "outcome=\"refused\"");
        scrape.AtLeast(1, "secretsstore_auth_failures_total", "kind=\"missing_credentials\"");
        scrape.AtLeast(1, "secretsstore_auth_failures_total", "kind=\"unknown_credential\"");
        scrape.AtLeast(2, "secretsstore_auth_failures_total", "kind=\"forbidden\"");
        scrape.AtLeast(1, "secretsstore_quota_refusals_total", "quota=\"stores\"");

        // Every write and value read above went through a commit: some took time, none took seconds on average.
        var commits = scrape.AtLeast(6, "secretsstore_storage_commit_duration_seconds_count", "outcome=\"committed\"");
        var seconds = scrape.Sum("secretsstore_storage_commit_duration_seconds_sum", "outcome=\"committed\"");
        Assert.InRange(seconds / commits, 1e-6, 5);
        var batches = scrape.AtLeast(6, "secretsstore_storage_commit_batch_size_count");
        Assert.True(scrape.Sum("secretsstore_storage_commit_batch_size_sum") >= batches, text);

        scrape.AtLeast(1, "http_server_request_duration_seconds_count", $"http_route=\"{CreateRoute}\"", "http_response_status_code=\"200\"");
        scrape.AtLeast(1, "http_server_request_duration_seconds_count", $"http_route=\"{CreateRoute}\"", "http_response_status_code=\"401\"");
        Assert.Contains("\norleans_", text);
        Assert.DoesNotContain("http_route=\"/metrics\"", text);

        foreach (var needle in workload.Secrets(settings))
        {
            Assert.DoesNotContain(needle, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheSettingOpensTheScrapeToAnonymousScrapers()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("metrics"));
        await using var app = await TestHost.StartAsync(settings, $"--{Telemetry.MetricsAllowAnonymousKey}=true");
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var (status, text) = await ScrapeAsync(http, null);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("# TYPE", text);
    }

    [Fact]
    public async Task APortOfItsOwnServesOnlyTheMetricsAndTheApiPortNoLonger()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("metrics"));
        var port = FreePort.Next();
        await using var app = await TestHost.StartAsync(settings, $"--{Telemetry.MetricsPortKey}={port}", $"--{Telemetry.MetricsAllowAnonymousKey}=true");
        using var api = new HttpClient { BaseAddress = app.BaseAddress };
        using var metrics = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        var (status, text) = await ScrapeAsync(metrics, null);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("# TYPE", text);
        Assert.Equal(HttpStatusCode.NotFound, (await ScrapeAsync(api, new("Bearer", settings.AdminToken))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await metrics.GetAsync("/admin/v1/accounts")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/healthz")).StatusCode);
    }

    private static async Task<(HttpStatusCode Status, string Text)> ScrapeAsync(HttpClient http, AuthenticationHeaderValue? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Telemetry.MetricsPath) { Headers = { Authorization = authorization } };
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Prometheus' text format, read just enough to add up a metric's samples whose labels hold given pieces.</summary>
    private sealed class Scrape(string text)
    {
        public double Sum(string name, params string[] labels) =>
            text.Split('\n')
                .Where(line => !line.StartsWith('#') && (line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal)))
                .Where(line => labels.All(l => line.Contains(l, StringComparison.Ordinal)))
                .Sum(line => double.Parse(ValueOf(line), CultureInfo.InvariantCulture));

        private static string ValueOf(string line)
        {
            var afterName = line.Contains('{') ? line[(line.LastIndexOf('}') + 1)..] : line[line.IndexOf(' ')..];
            return afterName.Trim().Split(' ')[0];
        }

        public double AtLeast(double expected, string name, params string[] labels)
        {
            var sum = Sum(name, labels);
            Assert.True(sum >= expected, $"{name}{{{string.Join(',', labels)}}} is {sum}, expected at least {expected}:\n{text}");
            return sum;
        }
    }
}
