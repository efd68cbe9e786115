using Npgsql;
using SecretsStore.Grains.StoreWrites;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.Tests.Persistence;

/// <summary>
/// The careful commit as a session: it takes the locks and answers what they found, the caller plans in between, and
/// the session writes and commits, or rolls back when it is dropped. Nothing in it calls back into the caller.
/// </summary>
public sealed class CarefulCommitSessionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ASessionAnswersTheStoresVersionsAndTheAccountsRoomAsLocked()
    {
        await using var storage = await StoreStorageHarness.CreateAsync();
        var store = await storage.NewStoreAsync();
        var loaded = await storage.LoadAsync(store.Id);
        await storage.CommitAsync(loaded, new CreateSecretsCommand(StoreStorageHarness.Audited(store.AccountId), StoreStorageHarness.NewSecrets(loaded, "A", "B")));
        var never = Guid.NewGuid();

        await using var session = await new StoreCommits(storage.Db).BeginCarefulCommitAsync([store.Id, never], [store.AccountId], defaultSecretsLimit: 7);

        Assert.Equal(1, session.Locked.Versions[store.Id]);
        Assert.False(session.Locked.Versions.ContainsKey(never));
        var budget = session.Locked.Budgets[store.AccountId];
        Assert.Equal((2, 7), (budget.Used, budget.Limit));
    }

    [Fact]
    public async Task WhatIsPlannedUnderTheLocksIsWrittenAndCommitted()
    {
        await using var storage = await StoreStorageHarness.CreateAsync();
        var store = await storage.NewStoreAsync();
        var loaded = await storage.LoadAsync(store.Id);
        var create = new CreateSecretsCommand(StoreStorageHarness.Audited(store.AccountId), StoreStorageHarness.NewSecrets(loaded, "A"));

        await using (var session = await new StoreCommits(storage.Db).BeginCarefulCommitAsync([store.Id], [store.AccountId], defaultSecretsLimit: 100))
        {
            var draft = new StoreBatch(loaded, [create]).Plan(session.Locked.Budgets[store.AccountId]);
            await session.CommitAsync([draft]);
        }

        Assert.Equal(["A"], (await storage.LoadAsync(store.Id)).Secrets.Select(s => s.Name));
        Assert.Equal((1, 1), (await storage.VersionAsync(store.Id), await storage.UsageAsync(store.AccountId)));
    }

    [Fact]
    public async Task ASessionDroppedWithoutCommittingWritesNothingAndFreesItsLocks()
    {
        await using var storage = await StoreStorageHarness.CreateAsync();
        var store = await storage.NewStoreAsync();
        var loaded = await storage.LoadAsync(store.Id);
        var commits = new StoreCommits(storage.Db);

        await using (var dropped = await commits.BeginCarefulCommitAsync([store.Id], [store.AccountId], defaultSecretsLimit: 100))
        {
            new StoreBatch(loaded, [new CreateSecretsCommand(StoreStorageHarness.Audited(store.AccountId), StoreStorageHarness.NewSecrets(loaded, "DROPPED"))])
                .Plan(dropped.Locked.Budgets[store.AccountId]);
        }

        // Were the rows still locked, this would wait for them: the generous timeout turns a hang into a failure.
        await using var next = await commits.BeginCarefulCommitAsync([store.Id], [store.AccountId], defaultSecretsLimit: 100).WaitAsync(Patience);
        Assert.Equal(0, next.Locked.Versions[store.Id]);
        Assert.Empty((await storage.LoadAsync(store.Id)).Secrets);
    }

    [Fact]
    public async Task AConnectionLostBeforeCommitIsAPlainFailureWithNothingWritten()
    {
        await using var storage = await StoreStorageHarness.CreateAsync();
        var store = await storage.NewStoreAsync();
        var loaded = await storage.LoadAsync(store.Id);
        var session = await new StoreCommits(storage.Db).BeginCarefulCommitAsync([store.Id], [store.AccountId], defaultSecretsLimit: 100);
        var draft = new StoreBatch(loaded, [new CreateSecretsCommand(StoreStorageHarness.Audited(store.AccountId), StoreStorageHarness.NewSecrets(loaded, "LOST"))])
            .Plan(session.Locked.Budgets[store.AccountId]);
        // The session's connection is the one backend of this test's database that holds the stores table for update.
        await using (var kill = storage.Db.CreateCommand("""
            SELECT pg_terminate_backend(pid) FROM pg_locks
             WHERE locktype = 'relation' AND relation = 'stores'::regclass AND mode = 'RowShareLock' AND pid <> pg_backend_pid()
               AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """))
        {
            await kill.ExecuteNonQueryAsync();
        }

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => session.CommitAsync([draft]));
        await session.DisposeAsync();

        Assert.IsNotType<CommitInDoubtException>(failure);
        Assert.Empty((await storage.LoadAsync(store.Id)).Secrets);
        Assert.Equal((0, 0), (await storage.VersionAsync(store.Id), await storage.UsageAsync(store.AccountId)));
    }
}
