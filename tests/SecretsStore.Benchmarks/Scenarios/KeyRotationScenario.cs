using System.Diagnostics;
using Npgsql;
using SecretsStore.Benchmarks.Tools;

namespace SecretsStore.Benchmarks.Scenarios;

/// <summary>
/// How long a master-key rotation takes: stores made under one key, the service restarted with a new key added
/// last (as an operator does), then the time from <c>POST /admin/v1/keys/rotate</c> until the old key is retired,
/// that is until every store's data key is re-wrapped under the new one. Idle service, default batch size.
/// </summary>
public static class KeyRotationScenario
{
    public static async Task<IReadOnlyList<BenchmarkRow>> RunAsync(BenchmarkContext context, Action<string> log)
    {
        var storeCount = context.Smoke ? 200 : 10_000;
        var connectionString = await context.NewDatabaseAsync("rotation");
        var (oldKey, newKey, adminToken) = (ServiceUnderTest.NewKey(), ServiceUnderTest.NewKey(), ServiceUnderTest.NewKey());

        await using (var service = await ServiceUnderTest.StartOnAsync(context, connectionString, [oldKey], adminToken))
        {
            var fill = Stopwatch.StartNew();
            // An account may hold 1,000 stores (NewAccountAsync's quota): spread them over as many accounts as needed.
            var accounts = new List<BenchAccount>();
            for (var i = 0; i < (storeCount + 999) / 1000; i++)
            {
                accounts.Add(await service.NewAccountAsync());
            }

            await Parallel.ForEachAsync(Enumerable.Range(0, storeCount), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
                await service.NewStoreAsync(accounts[i % accounts.Count], $"store{i}"));
            log($"  made {storeCount:N0} stores in {fill.Elapsed.TotalSeconds:N1} s");
        }

        await using (var service = await ServiceUnderTest.StartOnAsync(context, connectionString, [oldKey, newKey], adminToken))
        {
            await using var db = NpgsqlDataSource.Create(connectionString);
            var oldId = Grains.Crypto.MasterKeyRing.Fingerprint(Convert.FromBase64String(oldKey));
            var timer = Stopwatch.StartNew();
            await service.SendAsync(HttpMethod.Post, "/admin/v1/keys/rotate", adminToken);
            while (await StateAsync(db, oldId) != "retired")
            {
                await Task.Delay(10);
            }

            var took = timer.Elapsed;
            log($"  re-wrapped {storeCount:N0} stores in {took.TotalSeconds:N2} s");
            return
            [
                new BenchmarkRow(
                    $"master-key rotation of {storeCount:N0} stores (rotate until the old key is retired; batches of 500, idle service)",
                    $"{Figures.Time(took)} ({Figures.Rate(storeCount / took.TotalSeconds, "stores/s")})"),
            ];
        }
    }

    private static async Task<string?> StateAsync(NpgsqlDataSource db, string fingerprint)
    {
        await using var command = db.CreateCommand("SELECT state FROM master_keys WHERE fingerprint = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = fingerprint });
        return await command.ExecuteScalarAsync() as string;
    }
}
