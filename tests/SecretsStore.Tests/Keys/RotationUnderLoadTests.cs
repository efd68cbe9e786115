using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using SecretsStore.Tests.Durability;
using SecretsStore.Tests.Infrastructure;
using static SecretsStore.Tests.Keys.RotationWorld;

namespace SecretsStore.Tests.Keys;

/// <summary>
/// A rotation on a real silo and PostgreSQL while clients create and read: nothing they do fails, every store ends up
/// wrapped by the new key, and a restart with only the new key reads every value.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class RotationUnderLoadTests
{
    private const int SeededStores = 90;

    [Fact]
    public async Task UnderLoadEveryStoreMovesToTheNewKeyAndThenTheOldKeyIsNoLongerNeeded()
    {
        var (oldKey, newKey) = (NewKey(), NewKey());
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("rotate")) with { MasterKey = oldKey };
        var logs = new CapturingLoggerProvider();
        // appsettings.json names Microsoft, System and Npgsql, so a Default alone no longer reaches them.
        string[] verbose =
        [
            "--Logging:LogLevel:Default=Trace", "--Logging:LogLevel:Microsoft=Trace", "--Logging:LogLevel:System=Trace", "--Logging:LogLevel:Npgsql=Trace",
            "--Logging:LogLevel:Orleans=Information", "--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Trace",
        ];
        void Capture(WebApplicationBuilder builder)
        {
            // Only to the capture: at Trace the console would bury the test run's own log.
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
        }

        TestAccount account;
        ConcurrentBag<WrittenSecret> written;
        await using (var first = await TestHost.StartAsync(settings, Capture, verbose))
        {
            using var http = new HttpClient { BaseAddress = first.BaseAddress };
            (account, written) = await SeedAsync(new ApiClient(http), settings.AdminToken, SeededStores);
        }

        // The operator adds the new key last and restarts; it is pending until the rotation makes it current.
        var both = settings with { MasterKey = newKey };
        var load = new ClientLoad();
        await using (var second = await TestHost.StartAsync(both, Capture,
            [.. verbose, $"--SecretsStore:MasterKeys:0={oldKey}", "--SecretsStore:KeyRotation:BatchSize=3", "--SecretsStore:KeyRotation:BatchPause=00:00:00.030"]))
        {
            using var http = new HttpClient { BaseAddress = second.BaseAddress };
            var api = new ApiClient(http);
            var keys = await KeysAsync(api, settings.AdminToken);
            Assert.Equal(("current", (long)SeededStores, true), keys[FingerprintOf(oldKey)]);
            Assert.Equal(("pending", 0L, true), keys[FingerprintOf(newKey)]);

            var reader = await AppFixture.NewServiceAsync(api, settings.AdminToken);
            var running = load.RunAsync(api, account, reader, written);
            await load.WaitForOperationsAsync(20);
            var rotated = await api.PostAsync("/admin/v1/keys/rotate", settings.AdminToken, null);
            Assert.True(rotated.Status == 200, $"rotate answered {rotated.Status}: {rotated.Body}");
            var atRotation = load.Operations;
            Assert.Equal("current", State(rotated.Result, newKey));
            Assert.Contains(State(rotated.Result, oldKey), new[] { "retiring", "retired" });

            await WaitUntilAsync(async () => (await KeysAsync(api, settings.AdminToken))[FingerprintOf(oldKey)].State == "retired",
                TimeSpan.FromSeconds(90), "the old key is retired");
            var duringRotation = load.Operations - atRotation;
            await load.StopAsync(running);

            // Every failure in full, with what the service logged as an error: a 5xx here is a bug to find from the CI log.
            Assert.True(load.Failures.IsEmpty, string.Join('\n', [.. load.Failures, .. ErrorsIn(logs.Text)]));
            Assert.True(duringRotation > 0, "no request ran while the stores were re-wrapped");
            var liveStores = SeededStores + load.StoresCreated;
            Assert.Equal(new Dictionary<string, long> { [FingerprintOf(newKey)] = liveStores }, await StoresByKeyAsync(settings.ConnectionString));
            keys = await KeysAsync(api, settings.AdminToken);
            Assert.Equal(("retired", 0L, true), keys[FingerprintOf(oldKey)]);
            Assert.Equal(("current", (long)liveStores, true), keys[FingerprintOf(newKey)]);
        }

        var all = written.Concat(load.Written).ToList();
        Assert.True(all.Count > SeededStores);
        await AssertEveryValueOpensWithAsync(settings.ConnectionString, all, newKey);

        // As the README says: once retired, the old key leaves the configuration.
        await using (var third = await TestHost.StartAsync(both, Capture, verbose))
        {
            using var http = new HttpClient { BaseAddress = third.BaseAddress };
            var api = new ApiClient(http);
            await AssertServiceReadsEveryValueAsync(api, settings.AdminToken, account, all);
            var keys = await KeysAsync(api, settings.AdminToken);
            Assert.Equal(("retired", 0L, false), keys[FingerprintOf(oldKey)]);
            var store = await api.CreateStoreAsync(account, "after_rotation");
            await api.CreateSecretAsync(account, store, "AFTER");
        }

        var needles = all.Select(s => s.Value)
            .Concat([oldKey, newKey, Convert.ToHexStringLower(Convert.FromBase64String(oldKey)), Convert.ToHexStringLower(Convert.FromBase64String(newKey))])
            .ToList();
        AssertNoneIn(await ValuesAtRestTests.DumpAllRowsAsync(settings.ConnectionString), needles, "a database row");
        Assert.Contains("Re-wrapped", logs.Text, StringComparison.Ordinal);
        AssertNoneIn(logs.Text, needles, "the log");
    }

    private static IEnumerable<string> ErrorsIn(string log) =>
        log.Split('\n').Where(line => line.Contains(" [Error] ", StringComparison.Ordinal) || line.Contains(" [Critical] ", StringComparison.Ordinal));

    private static string State(JsonElement keys, string key) =>
        keys.EnumerateArray().Single(k => k.GetProperty("fingerprint").GetString() == FingerprintOf(key)).GetProperty("state").GetString()!;

    private static async Task<Dictionary<string, (string State, long Stores, bool Configured)>> KeysAsync(ApiClient api, string adminToken)
    {
        var keys = await api.GetAsync("/admin/v1/keys", adminToken);
        Assert.True(keys.Status == 200, $"GET keys answered {keys.Status}: {keys.Body}");
        return keys.Result.EnumerateArray().ToDictionary(
            k => k.GetProperty("fingerprint").GetString()!,
            k => (k.GetProperty("state").GetString()!, k.GetProperty("stores").GetInt64(), k.GetProperty("configured").GetBoolean()));
    }

    /// <summary>
    /// Four clients that create secrets and stores, read them back and have the service open seeded values, until
    /// stopped; every answer but 200 is a failure.
    /// </summary>
    private sealed class ClientLoad
    {
        private readonly CancellationTokenSource _stop = new();
        private int _operations;
        private int _storesCreated;

        public ConcurrentBag<string> Failures { get; } = [];
        public ConcurrentBag<WrittenSecret> Written { get; } = [];
        public int Operations => Volatile.Read(ref _operations);
        public int StoresCreated => Volatile.Read(ref _storesCreated);

        public Task RunAsync(ApiClient api, TestAccount account, TestService reader, IReadOnlyCollection<WrittenSecret> seeded) =>
            Task.WhenAll(Enumerable.Range(0, 4).Select(client => Task.Run(async () =>
            {
                var seededList = seeded.ToList();
                var stores = seededList.Select(s => s.Store).Distinct().ToList();
                for (var i = 0; !_stop.IsCancellationRequested; i++)
                {
                    var store = i % 10 == 0 ? await NewStoreAsync(api, account, $"load_{client}_{i}") : stores[Random.Shared.Next(stores.Count)];
                    if (store is null)
                    {
                        continue;
                    }

                    var value = $"load-value-{Guid.NewGuid():N}";
                    var created = await api.PostAsync($"{account.Base}/stores/{store}/secrets", account.WriteToken,
                        new[] { new { name = $"L{client}_{i}", value, scopes = new[] { "workers" } } });
                    if (Check(created, "create secret"))
                    {
                        var id = created.Result[0].GetProperty("id").GetString()!;
                        Written.Add(new WrittenSecret(store, id, value));
                        Check(await api.GetAsync($"{account.Base}/stores/{store}/secrets/{id}", account.ReadToken), "get secret");
                    }

                    Check(await api.GetAsync($"{account.Base}/stores/{store}/secrets?per_page=5", account.ReadToken), "list secrets");

                    // The grain opens a seeded value, whichever key wraps its store at that moment.
                    var known = seededList[Random.Shared.Next(seededList.Count)];
                    var read = await api.GetAsync($"{TestService.Base(account.Id)}/stores/{known.Store}/secrets/{known.Id}/value", reader.Token);
                    if (Check(read, "read a seeded value") && read.Result.GetProperty("value").GetString() != known.Value)
                    {
                        Failures.Add($"{known.Id} did not open as written");
                    }

                    Interlocked.Increment(ref _operations);
                }
            })));

        public async Task WaitForOperationsAsync(int count) =>
            await WaitUntilAsync(() => Task.FromResult(Operations >= count || !Failures.IsEmpty), TimeSpan.FromSeconds(60), $"{count} operations ran");

        public async Task StopAsync(Task running)
        {
            await _stop.CancelAsync();
            await running;
        }

        private async Task<string?> NewStoreAsync(ApiClient api, TestAccount account, string name)
        {
            var created = await api.PostAsync($"{account.Base}/stores", account.WriteToken, new { name });
            if (!Check(created, "create store"))
            {
                return null;
            }

            Interlocked.Increment(ref _storesCreated);
            return created.Result.GetProperty("id").GetString();
        }

        private bool Check(ApiResponse response, string what)
        {
            if (response.Status == 200)
            {
                return true;
            }

            Failures.Add($"{what} answered {response.Status}: {response.Body}");
            return false;
        }
    }
}
