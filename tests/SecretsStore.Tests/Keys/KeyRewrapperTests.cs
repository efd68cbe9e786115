using System.Security.Cryptography;
using Npgsql;
using SecretsStore.Grains.Crypto;
using SecretsStore.Grains.Keys;
using SecretsStore.Grains.StoreWrites;
using SecretsStore.Persistence.Keys;
using SecretsStore.Persistence.Stores;
using SecretsStore.Tests.Persistence;

namespace SecretsStore.Tests.Keys;

/// <summary>
/// Re-wrapping against the store rows and the commit writer, without Orleans: it must never fence a store grain's
/// commits, never be undone by them, and never wait on (or skip for good) a row a commit holds.
/// </summary>
public sealed class KeyRewrapperTests
{
    private static readonly IReadOnlyCollection<Guid> SkipNone = [];

    [Fact]
    public async Task AGrainLoadedBeforeTheReWrapStillCommitsAndNeverWritesTheOldWrappingBack()
    {
        await using var harness = await StoreStorageHarness.CreateAsync();
        var store = await harness.NewStoreAsync();
        var loadedBefore = await harness.LoadAsync(store.Id);
        var (oldId, newId) = await RotateAsync(harness);

        await using (var session = await BeginRewrapAsync(harness))
        {
            var batch = await Rewrapper(harness).RewrapBatchAsync(session, 100, SkipNone, CancellationToken.None);
            Assert.Equal((newId, 1), (batch.Current, batch.Rewrapped));
        }

        var rewrapped = await WrappedAsync(harness, store.Id);
        Assert.Equal(newId, rewrapped.MasterKeyId);
        Assert.Equal(loadedBefore.Row!.Version, await harness.VersionAsync(store.Id));

        var (status, answer) = await harness.CommitAsync(loadedBefore, new CreateSecretsCommand(
            StoreStorageHarness.Audited(store.AccountId), StoreStorageHarness.NewSecrets(loadedBefore, "WRITTEN_AFTER")));
        Assert.Equal(CommitStatus.Committed, status);
        Assert.True(answer!.Succeeded);
        Assert.Equal(rewrapped.Blob, (await WrappedAsync(harness, store.Id)).Blob);

        // The value the stale grain sealed opens with the new key alone: the data key never changed.
        var onlyNew = await OpenAllAsync(harness.Db, OnlyKey(harness, newId), store.Id);
        Assert.Equal(["value of WRITTEN_AFTER"], onlyNew);
        await using (var session = await BeginRewrapAsync(harness))
        {
            Assert.Equal([oldId], await session.RetireEmptyKeysAsync(CancellationToken.None));
        }
    }

    [Fact]
    public async Task AStoreWhoseRowACommitHoldsIsSkippedWithoutWaitingAndTakenByALaterBatch()
    {
        await using var harness = await StoreStorageHarness.CreateAsync();
        var (held, free) = (await harness.NewStoreAsync(), await harness.NewStoreAsync());
        var (oldId, newId) = await RotateAsync(harness);

        await using var holder = await harness.Db.OpenConnectionAsync();
        await using var holding = await holder.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM stores WHERE id = $1 FOR UPDATE", holder, holding))
        {
            lockRow.Parameters.Add(new NpgsqlParameter { Value = held.Id });
            await lockRow.ExecuteNonQueryAsync();
        }

        await using var session = await BeginRewrapAsync(harness);
        var first = await Rewrapper(harness).RewrapBatchAsync(session, 100, SkipNone, new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        Assert.Equal(1, first.Rewrapped);
        Assert.Equal((oldId, newId), ((await WrappedAsync(harness, held.Id)).MasterKeyId, (await WrappedAsync(harness, free.Id)).MasterKeyId));
        Assert.Empty(await session.RetireEmptyKeysAsync(CancellationToken.None));
        Assert.Equal([(oldId, 1L)], await session.RetiringAsync(CancellationToken.None));

        await holding.RollbackAsync();
        Assert.Equal(1, (await Rewrapper(harness).RewrapBatchAsync(session, 100, SkipNone, CancellationToken.None)).Rewrapped);
        Assert.Equal([oldId], await session.RetireEmptyKeysAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ADeletedStoreHoldsNoKeyBackAndNewStoresAreWrappedUnderTheNewKey()
    {
        await using var harness = await StoreStorageHarness.CreateAsync();
        var store = await harness.NewStoreAsync();
        var snapshot = await harness.LoadAsync(store.Id);
        Assert.Equal(CommitStatus.Committed, (await harness.CommitAsync(snapshot, new DeleteStoreCommand(StoreStorageHarness.Audited(store.AccountId), force: true))).Status);
        var (oldId, newId) = await RotateAsync(harness);

        await using (var session = await BeginRewrapAsync(harness))
        {
            Assert.Equal(0, (await Rewrapper(harness).RewrapBatchAsync(session, 100, SkipNone, CancellationToken.None)).Rewrapped);
            Assert.Equal([oldId], await session.RetireEmptyKeysAsync(CancellationToken.None));
        }

        var created = await harness.NewStoreAsync();
        Assert.Equal(newId, (await WrappedAsync(harness, created.Id)).MasterKeyId);
    }

    [Fact]
    public async Task AKeyThatWasCurrentBeforeIsNeverMadeCurrentAgain()
    {
        await using var harness = await StoreStorageHarness.CreateAsync();
        var catalog = new MasterKeyCatalog(harness.Db);
        var (oldId, _) = await RotateAsync(harness);

        Assert.Null((await catalog.RotateAsync(_ => oldId)).Current);
        Assert.Equal(["retiring", "current"], (await catalog.ListAsync()).Select(k => k.State));
    }

    private static KeyRewrapper Rewrapper(StoreStorageHarness harness) => new(harness.Cipher, harness.Keys);

    private static async Task<RewrapSession> BeginRewrapAsync(StoreStorageHarness harness) =>
        await new MasterKeyCatalog(harness.Db).TryBeginRewrapAsync()
        ?? throw new InvalidOperationException("No key is retiring, or another session re-wraps.");

    /// <summary>Adds a new key to the harness's ring and makes it current, as the rotate route does.</summary>
    private static async Task<(string OldId, string NewId)> RotateAsync(StoreStorageHarness harness)
    {
        var oldId = harness.Keys.NewestId;
        var newId = harness.Keys.Add(RandomNumberGenerator.GetBytes(MasterKeyRing.KeyBytes));
        Assert.Equal(newId, (await new MasterKeyCatalog(harness.Db).RotateAsync(known => known.Contains(newId) ? null : newId)).Current);
        return (oldId, newId);
    }

    private static ValueCipher OnlyKey(StoreStorageHarness harness, string id) => new(new MasterKeyRing([harness.Keys.Get(id)]));

    private static async Task<WrappedKey> WrappedAsync(StoreStorageHarness harness, Guid storeId)
    {
        await using var command = harness.Db.CreateCommand("SELECT master_key_id, data_key FROM stores WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = storeId });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return new WrappedKey(reader.GetString(0), reader.GetFieldValue<byte[]>(1));
    }

    /// <summary>Opens a store's values as a silo configured with only <paramref name="cipher"/>'s keys loads them.</summary>
    private static async Task<List<string>> OpenAllAsync(NpgsqlDataSource db, ValueCipher cipher, Guid storeId)
    {
        var (row, secrets) = await new StoreLoader(db).LoadAsync(storeId, CancellationToken.None);
        var keys = new StoreKeys(cipher, row!.AccountId, storeId, row.DataKey);
        return secrets.Select(keys.Open).ToList();
    }
}
