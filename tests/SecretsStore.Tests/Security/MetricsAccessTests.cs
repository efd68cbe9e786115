using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using SecretsStore.Silo.Hosting;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Security;

/// <summary>
/// Review findings 4 and 10: the admin token was also the scrape credential, and a metrics port of its own was
/// enforced by the Host header, which the client writes. Now a scrape token opens <c>/metrics</c> and nothing else,
/// and the port a connection came in on decides where <c>/metrics</c> answers.
/// </summary>
public sealed class MetricsAccessTests
{
    [Fact]
    public async Task AHostHeaderNamingTheMetricsPortDoesNotReachTheMetricsThroughTheApiPort()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("metricsport"));
        var port = FreePort.Next();
        // The documented pairing: a port of its own, open to anyone who reaches it.
        await using var app = await TestHost.StartAsync(settings, $"--{Telemetry.MetricsPortKey}={port}", $"--{Telemetry.MetricsAllowAnonymousKey}=true");
        using var api = new HttpClient { BaseAddress = app.BaseAddress };
        using var metrics = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        Assert.Equal(HttpStatusCode.OK, (await ScrapeAsync(metrics, null)).Status);
        foreach (var host in new[] { $"x:{port}", $"127.0.0.1:{port}", $"localhost:{port}" })
        {
            var (status, text) = await ScrapeAsync(api, null, host);
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.DoesNotContain("# TYPE", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheScrapeTokenOpensTheMetricsAndNothingElse()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("scrapetoken"));
        var scrapeToken = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await using var app = await TestHost.StartAsync(settings, $"--{Telemetry.MetricsTokenKey}={scrapeToken}");
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var api = new ApiClient(http);
        var account = await AppFixture.NewAccountAsync(api, settings.AdminToken);

        var (status, text) = await ScrapeAsync(http, new("Bearer", scrapeToken));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("# TYPE", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await ScrapeAsync(http, Basic(scrapeToken))).Status);
        Assert.Equal(HttpStatusCode.OK, (await ScrapeAsync(http, new("Bearer", settings.AdminToken))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ScrapeAsync(http, new("Bearer", account.WriteToken))).Status);

        // Nowhere else: not the admin routes, not the dashboard, not the API.
        Assert.Equal((401, 10000), Refusal(await api.GetAsync("/admin/v1/accounts", scrapeToken)));
        Assert.Equal((401, 10000), Refusal(await api.GetAsync($"{account.Base}/stores", scrapeToken)));
        Assert.Equal((401, 10000), Refusal(await api.GetAsync("/client/v4/user/tokens/verify", scrapeToken)));
        foreach (var authorization in new[] { new AuthenticationHeaderValue("Bearer", scrapeToken), Basic(scrapeToken) })
        {
            using var dashboard = new HttpRequestMessage(HttpMethod.Get, "/dashboard/") { Headers = { Authorization = authorization } };
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(dashboard)).StatusCode);
        }
    }

    private static (int, int) Refusal(ApiResponse answer) => (answer.Status, answer.ErrorCode);

    private static AuthenticationHeaderValue Basic(string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"prometheus:{password}")));

    private static async Task<(HttpStatusCode Status, string Text)> ScrapeAsync(HttpClient http, AuthenticationHeaderValue? authorization, string? host = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Telemetry.MetricsPath) { Headers = { Authorization = authorization } };
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
