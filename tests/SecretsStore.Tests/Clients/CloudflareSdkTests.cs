using System.Diagnostics;
using SecretsStore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SecretsStore.Tests.Clients;

/// <summary>
/// Real clients judge the wire format, not our reading of the spec: the Node suites in tests/clients drive the
/// running service — sdk-conformance.test.mjs through the official `cloudflare` npm SDK, system-routes.test.mjs
/// with plain fetch (no SDK has the system routes). This driver provisions what they need through the admin
/// routes and hands it over in SECRETSSTORE_* variables.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class CloudflareSdkTests(ServiceFixture service, ITestOutputHelper output)
{
    private static readonly TimeSpan TimeBound = TimeSpan.FromMinutes(3);

    [Theory]
    [InlineData("sdk-conformance.test.mjs")]
    [InlineData("system-routes.test.mjs")]
    public async Task TheClientSuitePasses(string suite)
    {
        var environment = await ProvisionAsync();
        var clock = Stopwatch.StartNew();
        var run = await NodeProcess.RunAsync("node", ["--test", "--test-reporter=spec", suite], environment, TimeBound);

        output.WriteLine($"{suite}: exit {run.ExitCode} after {clock.Elapsed.TotalSeconds:F1} s\n{run.Output}");
        Assert.False(run.TimedOut, $"{suite} did not finish within {TimeBound}:\n{run.Output}");
        Assert.True(run.ExitCode == 0, $"{suite} failed:\n{run.Output}");
    }

    /// <summary>
    /// Fresh accounts and services for one suite run: the account (write and read token, a legacy key, room for
    /// the conformance suite's three stores), a second account for the 403 cases, and two services.
    /// </summary>
    private async Task<Dictionary<string, string>> ProvisionAsync()
    {
        var admin = service.AdminToken;
        var account = await service.NewAccountAsync();
        var other = await service.NewAccountAsync();

        var quota = await service.Api.PutAsync($"/admin/v1/accounts/{account.Id}/quota", admin, new { secrets = 200, stores = 5 });
        Assert.True(quota.Status == 200, $"quota answered {quota.Status}: {quota.Body}");

        var email = $"sdk-{Guid.NewGuid():N}@example.test";
        var key = await service.Api.PostAsync($"/admin/v1/accounts/{account.Id}/keys", admin, new { email });
        Assert.True(key.Status == 200, $"key create answered {key.Status}: {key.Body}");

        var owner = await service.NewServiceAsync();
        var stranger = await service.NewServiceAsync();

        return new Dictionary<string, string>
        {
            ["SECRETSSTORE_BASE_URL"] = new Uri(service.App.BaseAddress, "/client/v4").ToString().TrimEnd('/'),
            ["SECRETSSTORE_ACCOUNT_ID"] = account.Id,
            ["SECRETSSTORE_ACCOUNT_TOKEN"] = account.WriteToken,
            ["SECRETSSTORE_READ_TOKEN"] = account.ReadToken,
            ["SECRETSSTORE_AUTH_EMAIL"] = key.Result.GetProperty("email").GetString()!,
            ["SECRETSSTORE_AUTH_KEY"] = key.Result.GetProperty("key").GetString()!,
            ["SECRETSSTORE_OTHER_ACCOUNT_ID"] = other.Id,
            ["SECRETSSTORE_SERVICE_NAME"] = owner.Name,
            ["SECRETSSTORE_SERVICE_TOKEN"] = owner.Token,
            ["SECRETSSTORE_OTHER_SERVICE_TOKEN"] = stranger.Token,
        };
    }
}
