using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.Placement;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Persistence;
using SecretsStore.Silo.Hosting;
using SecretsStore.Silo.Hosting.Development;
using SecretsStore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SecretsStore.Tests.Faults;

/// <summary>
/// PostgreSQL stops while two silos take writes, then comes back. What clients were told must match what storage
/// holds: a failed create is never listed and never becomes durable, unless its commit's outcome was unknown.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed partial class GhostWriteTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"secretsstore-ghosts-{Guid.NewGuid():N}");
    private EmbeddedPostgres _postgres = null!;

    [Fact]
    public async Task CreatesThatFailWhilePostgresIsDownNeverBecomeVisibleOrDurableAndEveryFailureIs503OnEitherSilo()
    {
        var settings = TestHostSettings.For(_postgres.ConnectionStringFor("ghosts"), _postgres.RuntimeConnectionStringFor("ghosts"));
        await DatabaseBootstrap.EnsureDatabaseExistsAsync(settings.ConnectionString);
        var logs = new CapturingLoggerProvider();
        var first = await TestHost.StartAsync(settings, b => b.Logging.AddProvider(logs));
        var second = await TestHost.StartAsync(settings, b => b.Logging.AddProvider(logs));
        var (account, stores) = await ClusterUnderLoad.PrepareAsync(first.BaseAddress, settings.AdminToken, stores: 12);
        HashSet<string> stored;
        try
        {
            var hosts = await SpreadAsync(first, second, account, stores);

            var load = WriteLoad.Start([first.BaseAddress, second.BaseAddress], account, stores);
            await Task.Delay(TimeSpan.FromSeconds(2));
            await _postgres.StopAsync();
            await Task.Delay(TimeSpan.FromSeconds(1));
            var activations = await ActivationsDuringOutageAsync(first, second, account);
            await Task.Delay(TimeSpan.FromSeconds(2));
            _postgres = await EmbeddedPostgres.StartAsync(_root);
            await Task.Delay(TimeSpan.FromSeconds(3));
            await load.StopAsync(grace: TimeSpan.FromSeconds(45));
            output.WriteLine(load.Summary());

            var failed = load.Failed.ToList();
            Assert.NotEmpty(failed);
            Assert.All(failed, a => Assert.Equal((503, true), (a.Status, a.RetryAfter)));
            Assert.Contains(failed, a => hosts[a.Store] != a.Gateway);
            Assert.All(activations, status => Assert.Equal(503, status));

            stored = await ClusterUnderLoad.AssertNothingAcknowledgedIsLostAndUsageIsExactAsync(settings.ConnectionString, account, load);
            Assert.Equal(stored.Order(), (await ListedAsync(first, account, stores)).Order());
            var ghosts = failed.Select(a => a.Key()).Count(stored.Contains);
            var unknown = UnknownOutcomes(logs.Text);
            output.WriteLine($"{ghosts} failed creates are stored; {unknown} requests were in commits whose outcome was unknown");
            Assert.True(ghosts <= unknown, $"{ghosts} creates answered 503 are stored, but only {unknown} had an unknown outcome");
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
        }

        // Durable: a silo started afresh lists exactly what the database holds.
        await using var fresh = await TestHost.StartAsync(settings);
        Assert.Equal(stored.Order(), (await ListedAsync(fresh, account, stores)).Order());
    }

    public async Task InitializeAsync() => _postgres = await EmbeddedPostgres.StartAsync(_root);

    public async Task DisposeAsync()
    {
        await _postgres.StopAsync();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>
    /// Activates every other store on each silo (a placement hint in the request context steers where a new
    /// activation goes), and answers which silo (0 or 1) holds each store's grain.
    /// </summary>
    private static async Task<Dictionary<string, int>> SpreadAsync(SecretsStoreApp first, SecretsStoreApp second, TestAccount account, List<string> stores)
    {
        var grains = first.Web.Services.GetRequiredService<IGrainFactory>();
        var management = grains.GetGrain<IManagementGrain>(0);
        while ((await management.GetHosts(onlyActive: true)).Count < 2)
        {
            await Task.Delay(100);
        }

        SiloAddress[] silos = [SiloOf(first), SiloOf(second)];
        var reader = Caller.Account(Permission.Read, "token:ghost-test");
        var hosts = new Dictionary<string, int>();
        for (var i = 0; i < stores.Count; i++)
        {
            var store = grains.GetGrain<IStoreGrain>(Guid.ParseExact(stores[i], "N"));
            RequestContext.Set(IPlacementDirector.PlacementHintKey, silos[i % 2]);
            Assert.True((await store.GetAsync(reader, Guid.ParseExact(account.Id, "N"))).Succeeded);
            RequestContext.Clear();
            hosts[stores[i]] = Array.IndexOf(silos, await management.GetActivationAddress(store));
        }

        Assert.True(hosts.Values.Count(h => h == 0) >= 2 && hosts.Values.Count(h => h == 1) >= 2, "the stores did not spread over both silos");
        return hosts;
    }

    private static SiloAddress SiloOf(SecretsStoreApp app) => app.Web.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

    /// <summary>Stores that must be loaded to answer: with storage down, each activation fails, on either silo.</summary>
    private static async Task<List<int>> ActivationsDuringOutageAsync(SecretsStoreApp first, SecretsStoreApp second, TestAccount account)
    {
        var statuses = new List<int>();
        foreach (var app in new[] { first, second, first, second, first, second })
        {
            using var http = new HttpClient { BaseAddress = app.BaseAddress };
            statuses.Add((await new ApiClient(http).GetAsync($"{account.Base}/stores/{Guid.NewGuid():N}", account.ReadToken)).Status);
        }

        return statuses;
    }

    private static async Task<List<string>> ListedAsync(SecretsStoreApp app, TestAccount account, List<string> stores)
    {
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var api = new ApiClient(http);
        var listed = new List<string>();
        foreach (var store in stores)
        {
            for (var page = 1; ; page++)
            {
                var response = await api.GetAsync($"{account.Base}/stores/{store}/secrets?per_page=100&page={page}", account.ReadToken);
                Assert.Equal(200, response.Status);
                var names = response.Result.EnumerateArray().Select(s => $"{store}/{s.GetProperty("name").GetString()}").ToList();
                if (names.Count == 0)
                {
                    break;
                }

                listed.AddRange(names);
            }
        }

        return listed;
    }

    private static int UnknownOutcomes(string logs) =>
        UnknownCommit().Matches(logs).Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

    // The formatted message follows the level; the same text appears again as the state, which is not counted.
    [GeneratedRegex(@"\[Warning\] A commit of (\d+) requests in \d+ stores failed after it was sent")]
    private static partial Regex UnknownCommit();
}
