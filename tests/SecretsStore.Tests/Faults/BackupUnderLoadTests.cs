using Npgsql;
using SecretsStore.Tests.Durability;
using SecretsStore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SecretsStore.Tests.Faults;

/// <summary>
/// Issue 22, part 5: the backup procedure of deploy/README.md taken while writers run. <c>pg_dump</c> reads one
/// snapshot, so every create acknowledged before it started is in the dump, whatever commits while it runs; restored
/// into a fresh database and served by a silo with the same master key, each of them reads back with its value.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class BackupUnderLoadTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ADumpTakenUnderWriteLoadRestoresEverySecretAcknowledgedBeforeItBeganWithItsValue()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("backupload"));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var silo = await TestHost.StartAsync(settings);
        WriteLoad load;
        TestAccount account;
        TimeSpan dumpBegan, dumpEnded;
        string restoredDatabase;
        try
        {
            List<string> stores;
            (account, stores) = await ClusterUnderLoad.PrepareAsync(silo.BaseAddress, settings.AdminToken);
            load = WriteLoad.Start([silo.BaseAddress], account, stores, writers: 8);
            await Task.Delay(TimeSpan.FromSeconds(2));
            dumpBegan = load.Elapsed;
            restoredDatabase = await BackupRestoreTests.RestoreIntoFreshDatabaseAsync(settings.ConnectionString);
            dumpEnded = load.Elapsed;
            await load.StopAsync(grace: TimeSpan.FromSeconds(45));
        }
        finally
        {
            await silo.DisposeAsync();
        }

        var before = load.Acknowledged.Where(a => a.Finished < dumpBegan).ToList();
        var during = load.Acknowledged.Count(a => a.Finished > dumpBegan && a.Finished - a.Took < dumpEnded);
        output.WriteLine($"{load.Summary()}; {before.Count} acknowledged before the dump began, {during} while it and the restore ran "
            + $"({(dumpEnded - dumpBegan).TotalSeconds:N1} s); {clock.Elapsed.TotalSeconds:N1} s into the test");
        Assert.True(load.Failed.Count() == 0, $"writes failed under the dump: {load.Summary()}");
        Assert.NotEmpty(before);
        Assert.True(during > 0, "no write was acknowledged while the dump ran: it was not taken under load");

        var restored = settings with { ConnectionString = restoredDatabase, RuntimeConnectionString = SharedPostgres.RuntimeConnectionStringFor(restoredDatabase) };
        var ids = await SecretIdsAsync(restoredDatabase, account.Id);
        var missing = before.Where(a => !ids.ContainsKey(a.Key())).Select(a => a.Key()).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} creates acknowledged before the dump began are not in it, e.g. {string.Join(", ", missing.Take(5))}");
        // The restored rows are consistent with each other: the quota's usage counts exactly the secrets there.
        Assert.Equal(ids.Count, await StoredSecrets.UsageAsync(restoredDatabase, account.Id));

        await using var again = await TestHost.StartAsync(restored);
        using var http = new HttpClient { BaseAddress = again.BaseAddress };
        var api = new ApiClient(http);
        var reader = await AppFixture.NewServiceAsync(api, settings.AdminToken, ["workers"], [account.Id]);
        output.WriteLine($"the restored silo was up {clock.Elapsed.TotalSeconds:N1} s into the test");
        foreach (var chunk in before.Chunk(before.Count / 4 + 1))
        {
            // A few readers at once: a value read is one audited request each.
            await Task.WhenAll(chunk.Chunk(chunk.Length / 4 + 1).Select(async part =>
            {
                foreach (var attempt in part)
                {
                    var (store, id) = ids[attempt.Key()];
                    Assert.Equal($"value-{attempt.Name}", await api.ReadValueAsync(reader, account.Id, store, id));
                }
            }));
        }

        output.WriteLine($"every value read back {clock.Elapsed.TotalSeconds:N1} s into the test");
    }

    /// <summary>Each secret of the account's live stores in a database, by store/name: its store and id as the API names them.</summary>
    private static async Task<Dictionary<string, (string Store, string Id)>> SecretIdsAsync(string connectionString, string accountId)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var command = db.CreateCommand(
            "SELECT s.store_id, s.name, s.id FROM secrets s JOIN stores st ON st.id = s.store_id WHERE st.account_id = $1 AND st.deleted IS NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = Guid.ParseExact(accountId, "N") });
        await using var rows = await command.ExecuteReaderAsync();
        var ids = new Dictionary<string, (string, string)>();
        while (await rows.ReadAsync())
        {
            ids[$"{rows.GetGuid(0):N}/{rows.GetString(1)}"] = ($"{rows.GetGuid(0):N}", $"{rows.GetGuid(2):N}");
        }

        return ids;
    }
}
