using Npgsql;
using SecretsStore.Grains;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Rules;
using SecretsStore.Grains.StoreWrites;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.Tests.Persistence;

/// <summary>The rows behind a store, on the real PostgreSQL: what commits, what a reload sees, and what never lands.</summary>
public sealed class StoreStorageTests
{
    private static readonly Caller Writer = StoreStorageHarness.Writer;

    [Fact]
    public async Task ACommittedBatchIsWhatAReloadFindsAndTheUsageCountsIt()
    {
        await using var storage = await StoreStorageHarness.CreateAsync();
        var store = await storage.NewStoreAsync();
        var loaded = await storage.LoadAsync(store.Id);
        var created = await storage.CommitAsync(loaded, new CreateSecretsCommand(StoreStorageHarness.Audited(store.AccountId), StoreStorageHarness.NewSecrets(loaded, "A", "B")));

        Assert.Equal(CommitStatus.Committed, created.Status);
        var reloaded = await storage.LoadAsync(store.Id);
        Assert.Equal(["A", "B"], reloaded.Secrets.Select(s => s.Name).Order());
        Assert.Equal(loaded.Secrets.OrderBy(s => s.Id), reloaded.Secrets.OrderBy(s => s.Id), SecretRecordComparer.Instance);
        Assert.Equal("value of A", reloaded.Keys!.Open(reloaded.Secrets.Single(s => s.Name == "A")));
        Assert.Equal((1, 2), (await storage.VersionAsync(store.Id), await storage.UsageAsync(store.AccountId)));
    }

    [Fact]
    public async Task AStaleActivationIsFencedByTheVersionAndWritesNothing()
    {
        await using var storage = await StoreStorageHarness.CreateAsync();
        var store = await storage.NewStoreAsync();
        var newer = await storage.LoadAsync(store.Id);
        var stale = await storage.LoadAsync(store.Id);
        Assert.Equal(CommitStatus.Committed, (await storage.CommitAsync(newer, new CreateSecretsCommand(StoreStorageHarness.Audited(store.AccountId), StoreStorageHarness.NewSecrets(newer, "NEW")))).Status);

        var fenced = await storage.CommitAsync(stale, new CreateSecretsCommand(StoreStorageHarness.Audited(store.AccountId), StoreStorageHarness.NewSecrets(stale, "STALE")));

        Assert.Equal(CommitStatus.Fenced, fenced.Status);
        Assert.Equal(["NEW"], (await storage.LoadAsync(store.Id)).Secrets.Select(s => s.Name));
        Assert.Equal((1, 1), (await storage.VersionAsync(store.Id), await storage.UsageAsync(store.AccountId)));
    }

    [Fact]
    public async Task AStoreDeletedByAStaleActivationsRivalIsNotBroughtBack()
    {
        await using var storage = await StoreStorageHarness.CreateAsync();
        var store = await storage.NewStoreAsync();
        var newer = await storage.LoadAsync(store.Id);
        var stale = await storage.LoadAsync(store.Id);
        Assert.Equal(CommitStatus.Committed, (await storage.CommitAsync(newer, new DeleteStoreCommand(StoreStorageHarness.Audited(store.AccountId), force: false))).Status);

        var fenced = await storage.CommitAsync(stale, new CreateSecretsCommand(StoreStorageHarness.Audited(store.AccountId), StoreStorageHarness.NewSecrets(stale, "LATE")));

        Assert.Equal(CommitStatus.Fenced, fenced.Status);
        var reloaded = await storage.LoadAsync(store.Id);
        Assert.False(reloaded.IsLive);
        Assert.Null(reloaded.Keys);
        Assert.Empty(reloaded.Secrets);
    }

    [Fact]
    public async Task AnAccountLimitReachedInTheOneRoundTripCommitRollsBackEveryStatementOfIt()
    {
        await using var storage = await StoreStorageHarness.CreateAsync();
        var store = await storage.NewStoreAsync();
        await storage.Catalog.SetLimitsAsync(store.AccountId, new QuotaLimits(3, null), StoreStorageHarness.Record(store.AccountId, "quota.set"));
        var loaded = await storage.LoadAsync(store.Id);
        await storage.CommitAsync(loaded, new CreateSecretsCommand(StoreStorageHarness.Audited(store.AccountId), StoreStorageHarness.NewSecrets(loaded, "A", "B")));

        // Planned without the limit, the batch first goes out whole; its limit guard fails after its version bump and
        // insert ran, and the careful retry under locks refuses it.
        var refused = await storage.CommitAsync(loaded, new CreateSecretsCommand(StoreStorageHarness.Audited(store.AccountId), StoreStorageHarness.NewSecrets(loaded, "C", "D")));

        Assert.Equal("maximum_secrets_exceeded", refused.Answer!.Error!.Token);
        Assert.Equal(["A", "B"], (await storage.LoadAsync(store.Id)).Secrets.Select(s => s.Name).Order());
        Assert.Equal((1, 2), (await storage.VersionAsync(store.Id), await storage.UsageAsync(store.AccountId)));
        var fits = await storage.CommitAsync(loaded, new CreateSecretsCommand(StoreStorageHarness.Audited(store.AccountId), StoreStorageHarness.NewSecrets(loaded, "C")));
        Assert.True(fits.Answer!.Succeeded);
    }

    [Fact]
    public async Task AProcessThatDiesBetweenTheStatementsOfACommitLeavesNoTraceOfIt()
    {
        await using var storage = await StoreStorageHarness.CreateAsync();
        var store = await storage.NewStoreAsync();
        var loaded = await storage.LoadAsync(store.Id);
        var draft = new StoreBatch(loaded, [new CreateSecretsCommand(StoreStorageHarness.Audited(store.AccountId), StoreStorageHarness.NewSecrets(loaded, "HALF"))]).Plan(QuotaBudget.Unlimited());

        await using (var connection = await storage.Db.OpenConnectionAsync())
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await CommitSql.LockAsync(connection, transaction, [store.Id], [store.AccountId], defaultSecretsLimit: 100);
            await using (var batch = CommitSql.WriteBatch(connection, transaction, [draft], defaultSecretsLimit: 100)!)
            {
                await batch.ExecuteNonQueryAsync();
            }

            // The process dies here: its session ends before COMMIT.
            await using var kill = storage.Db.CreateCommand("SELECT pg_terminate_backend($1)");
            kill.Parameters.Add(new NpgsqlParameter { Value = connection.ProcessID });
            await kill.ExecuteNonQueryAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => transaction.CommitAsync());
        }

        Assert.Empty((await storage.LoadAsync(store.Id)).Secrets);
        Assert.Equal((0, 0), (await storage.VersionAsync(store.Id), await storage.UsageAsync(store.AccountId)));
    }

    [Fact]
    public async Task TheAccountsUsageEqualsItsSecretRowsAfterEveryKindOfWrite()
    {
        await using var storage = await StoreStorageHarness.CreateAsync();
        var first = await storage.NewStoreAsync();
        var second = await storage.NewStoreAsync(first.AccountId);
        var a = await storage.LoadAsync(first.Id);
        var b = await storage.LoadAsync(second.Id);
        async Task Check() => Assert.Equal(await storage.SecretRowsAsync(first.AccountId), await storage.UsageAsync(first.AccountId));

        var created = (await storage.CommitAsync(a, new CreateSecretsCommand(StoreStorageHarness.Audited(first.AccountId), StoreStorageHarness.NewSecrets(a, "A1", "A2", "A3")))).Answer!.Value!;
        await storage.CommitAsync(b, new CreateSecretsCommand(StoreStorageHarness.Audited(first.AccountId), StoreStorageHarness.NewSecrets(b, "B1", "B2")));
        await Check();
        await storage.CommitAsync(a, new DuplicateSecretCommand(StoreStorageHarness.Audited(first.AccountId), created[0].Id, new DuplicateSecret("A1_COPY", ["dex"], null), Guid.NewGuid(), Timestamps.Now(TimeProvider.System)));
        await storage.CommitAsync(a, new PatchSecretCommand(StoreStorageHarness.Audited(first.AccountId), created[1].Id, new SecretPatch(null, new SecretValue("changed"), null, false, null), Timestamps.Now(TimeProvider.System)));
        await Check();
        await storage.CommitAsync(a, new DeleteSecretsCommand(StoreStorageHarness.Audited(first.AccountId), [created[0].Id, created[2].Id]));
        await Check();
        await storage.CommitAsync(b, new DeleteStoreCommand(StoreStorageHarness.Audited(first.AccountId), force: true));
        await Check();
        Assert.Equal(2, await storage.UsageAsync(first.AccountId));
    }

    private sealed class SecretRecordComparer : IEqualityComparer<SecretRecord>
    {
        public static readonly SecretRecordComparer Instance = new();

        public bool Equals(SecretRecord? x, SecretRecord? y) =>
            x!.Id == y!.Id && x.Name == y.Name && x.Created == y.Created && x.Modified == y.Modified && x.Comment == y.Comment
            && x.Scopes.SequenceEqual(y.Scopes) && x.SealedValue.SequenceEqual(y.SealedValue);

        public int GetHashCode(SecretRecord obj) => obj.Id.GetHashCode();
    }
}
