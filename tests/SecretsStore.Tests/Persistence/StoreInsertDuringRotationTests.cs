using Npgsql;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Persistence.Audit;
using SecretsStore.Persistence.Keys;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.Tests.Persistence;

/// <summary>
/// A store insert share-locks the current master key's row, so a rotation waits for it, and it waits for a rotation.
/// When it waited, PostgreSQL re-checks the row it waited for, which the rotation made retiring, and the statement finds
/// no current key at all: the insert must then ask again and wrap under the new key, not fail (it answered 500 once,
/// in RotationUnderLoadTests, under a full suite's load).
/// </summary>
public sealed class StoreInsertDuringRotationTests
{
    [Fact]
    public async Task AStoreInsertThatWaitedForARotationIsWrappedUnderTheNewCurrentKey()
    {
        await using var harness = await StoreStorageHarness.CreateAsync();
        var account = await harness.NewAccountAsync();
        await using var rotation = await harness.Db.OpenConnectionAsync();
        await using var transaction = await rotation.BeginTransactionAsync();
        // The rotation's first step, held open: the old key is no longer current, and its row stays locked.
        await ExecuteAsync(rotation, transaction, "UPDATE master_keys SET state = 'retiring' WHERE state = 'current'");

        var now = DateTime.UtcNow;
        var store = new StoreView(Guid.NewGuid(), "during_rotation", account, now, now, null);
        string? wrappedUnder = null;
        var inserting = harness.Catalog.InsertStoreAsync(
            store, new StoreLimits(100, 10), StoreStorageHarness.Record(account, AuditActions.StoreCreate), current =>
            {
                wrappedUnder = current;
                return new WrappedDataKey(store.Id, account, current, [1, 2, 3]);
            });
        await WaitUntilSomethingWaitsForAsync(harness.Db, rotation.ProcessID);

        await ExecuteAsync(rotation, transaction, "INSERT INTO master_keys (fingerprint, state, became_current) VALUES ('rotated-in', 'current', now())");
        await transaction.CommitAsync();

        Assert.Equal(StoreInsert.Inserted, (await inserting.WaitAsync(TimeSpan.FromSeconds(60))).Outcome);
        Assert.Equal("rotated-in", wrappedUnder);
        await using var row = harness.Db.CreateCommand("SELECT master_key_id FROM stores WHERE id = $1");
        row.Parameters.AddWithValue(store.Id);
        Assert.Equal("rotated-in", await row.ExecuteScalarAsync());
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Until another session is blocked by <paramref name="holder"/>'s locks: the insert has reached the key's row.</summary>
    private static async Task WaitUntilSomethingWaitsForAsync(NpgsqlDataSource db, int holder)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            await using var waiting = db.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))");
            waiting.Parameters.AddWithValue(holder);
            if ((long)(await waiting.ExecuteScalarAsync(timeout.Token))! > 0)
            {
                return;
            }

            await Task.Delay(20, timeout.Token);
        }
    }
}
