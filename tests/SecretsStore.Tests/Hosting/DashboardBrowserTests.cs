using System.Diagnostics;
using System.Text.Json;
using SecretsStore.Tests.Clients;
using SecretsStore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SecretsStore.Tests.Hosting;

/// <summary>
/// The operator's dashboard in a real browser (tests/clients/dashboard.test.mjs: Debian's Chromium, headless, through
/// playwright-core), after a workload with known values: it signs in with the admin token, sees the store and quota
/// grains, saves a screenshot to <c>artifacts/dashboard/dashboard.png</c>, finds none of the workload's values or
/// tokens in anything the browser showed or received, and is refused without the admin token.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class DashboardBrowserTests(AppFixture app, ITestOutputHelper output)
{
    // About 25 s on two cores: two browser launches and a few seconds of the log stream.
    private static readonly TimeSpan TimeBound = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task TheOperatorSeesTheGrainsInABrowserAndNoSecret()
    {
        var chromium = FindChromium();
        var screenshot = Path.Combine(RepositoryPaths.Root(), "artifacts", "dashboard", "dashboard.png");
        // A screenshot left by an earlier run must not pass for this one's.
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        File.Delete(screenshot);

        var (account, stores, consumer, values) = await WorkloadAsync();
        string[] neverShown = [.. values, account.WriteToken, account.ReadToken, consumer.Token, app.AdminToken, app.Settings.MasterKey];

        var clock = Stopwatch.StartNew();
        await ClientSuite.AssertPassesAsync(
            "dashboard.test.mjs",
            new Dictionary<string, string>
            {
                ["SECRETSSTORE_ORIGIN"] = app.App.BaseAddress.GetLeftPart(UriPartial.Authority),
                ["SECRETSSTORE_ADMIN_TOKEN"] = app.AdminToken,
                ["SECRETSSTORE_ACCOUNT_ID"] = account.Id,
                ["SECRETSSTORE_ACCOUNT_TOKEN"] = account.WriteToken,
                ["SECRETSSTORE_STORE_IDS"] = string.Join(',', stores),
                ["SECRETSSTORE_SERVICE_TOKEN"] = consumer.Token,
                ["SECRETSSTORE_NEVER_SHOWN"] = JsonSerializer.Serialize(neverShown),
                ["SECRETSSTORE_CHROMIUM"] = chromium,
                ["SECRETSSTORE_SCREENSHOT"] = screenshot,
            },
            TimeBound,
            output);

        Assert.True(File.Exists(screenshot), $"no screenshot at {screenshot}");
        output.WriteLine($"Dashboard screenshot ({new FileInfo(screenshot).Length} bytes, browser run {clock.Elapsed.TotalSeconds:F1} s): {screenshot}");
    }

    /// <summary>
    /// Two stores with distinctive values in them, written, patched, duplicated and read back through the value route,
    /// so the grains have held every value in the clear at least once. Answers the values.
    /// </summary>
    private async Task<(TestAccount Account, string[] Stores, TestService Consumer, List<string> Values)> WorkloadAsync()
    {
        var account = await app.NewAccountAsync();
        await app.SetQuotaAsync(account, secrets: 20, stores: 2);
        var consumer = await app.NewServiceAsync();
        var values = new List<string>();
        var stores = new[] { await app.Api.CreateStoreAsync(account), await app.Api.CreateStoreAsync(account) };
        foreach (var store in stores)
        {
            for (var i = 0; i < 3; i++)
            {
                var value = $"dashboard-canary-{Guid.NewGuid():N}";
                values.Add(value);
                var secret = await app.Api.CreateSecretAsync(account, store, $"CANARY_{i}", value);
                var id = secret.GetProperty("id").GetString()!;
                var read = await app.Api.GetAsync($"{TestService.Base(account.Id)}/stores/{store}/secrets/{id}/value", consumer.Token);
                Assert.Equal(value, read.Result.GetProperty("value").GetString());
            }

            var patched = $"dashboard-patched-{Guid.NewGuid():N}";
            values.Add(patched);
            var secrets = $"{account.Base}/stores/{store}/secrets";
            var first = (await app.Api.GetAsync(secrets, account.ReadToken)).Result[0].GetProperty("id").GetString();
            Assert.Equal(200, (await app.Api.PatchAsync($"{secrets}/{first}", account.WriteToken, new { value = patched })).Status);
            Assert.Equal(200, (await app.Api.PostAsync($"{secrets}/{first}/duplicate", account.WriteToken, new { name = "CANARY_COPY", scopes = new[] { "workers" } })).Status);
        }

        return (account, stores, consumer, values);
    }

    /// <summary>Debian's Chromium, which scripts/ensure-prerequisites.sh installs; the test fails without it.</summary>
    private static string FindChromium()
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => new[] { Path.Combine(dir, "chromium"), Path.Combine(dir, "chromium-browser") })
            .FirstOrDefault(File.Exists);
        Assert.True(found is not null, "chromium is not on PATH: run scripts/ensure-prerequisites.sh (it installs Debian's chromium).");
        return found!;
    }
}
