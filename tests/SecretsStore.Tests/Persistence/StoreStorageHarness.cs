using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using SecretsStore.Grains;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Crypto;
using SecretsStore.Grains.Rules;
using SecretsStore.Grains.StoreWrites;
using SecretsStore.Persistence;
using SecretsStore.Persistence.Audit;
using SecretsStore.Persistence.Keys;
using SecretsStore.Persistence.Stores;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Persistence;

/// <summary>The store storage of one silo on a database of its own, without Orleans: loads, commits and the raw rows.</summary>
public sealed class StoreStorageHarness : IAsyncDisposable
{
    public static readonly Caller Writer = Caller.Account(Permission.Write, "token:storage-test");

    private readonly CommitWriter _writer;

    /// <summary>An audited call of the writer on an account, as the grain makes one per request.</summary>
    public static AuditedCall Audited(Guid accountId, string action = AuditActions.SecretCreate) =>
        new(Writer, accountId, action, Timestamps.Now(TimeProvider.System));

    public static AuditRecord Record(Guid accountId, string action) =>
        AuditRecord.Of(Timestamps.Now(TimeProvider.System), accountId, Writer, "", action, null);

    private StoreStorageHarness(NpgsqlDataSource db, SecretsStoreOptions options)
    {
        Db = db;
        Keys = new MasterKeyRing([RandomNumberGenerator.GetBytes(32)]);
        Cipher = new ValueCipher(Keys);
        _writer = new CommitWriter(new StoreCommits(db), Options.Create(options), NullLogger<CommitWriter>.Instance);
        Storage = new PostgresStoreStorage(new StoreLoader(db), new CommittedRequests(db), new IdempotentAnswers(db), Cipher, _writer);
        Catalog = new AccountCatalog(db);
    }

    public NpgsqlDataSource Db { get; }
    public MasterKeyRing Keys { get; }
    public ValueCipher Cipher { get; }
    public PostgresStoreStorage Storage { get; }
    public AccountCatalog Catalog { get; }

    public static async Task<StoreStorageHarness> CreateAsync(SecretsStoreOptions? options = null)
    {
        var harness = new StoreStorageHarness(
            DatabaseConnections.CreateDataSource(await SharedPostgres.CreateDatabaseAsync("storage"), new DatabaseOptions()), options ?? new SecretsStoreOptions());
        // As a silo's start does: store inserts wrap under the key the database names current.
        await new MasterKeyCatalog(harness.Db).EnsureCurrentAsync(harness.Keys.NewestId);
        return harness;
    }

    /// <summary>A new store in a new account (or <paramref name="accountId"/>), as the account grain inserts it.</summary>
    public async Task<StoreView> NewStoreAsync(Guid? accountId = null)
    {
        var account = accountId ?? await NewAccountAsync();
        var now = DateTime.UtcNow;
        var store = new StoreView(Guid.NewGuid(), $"s{Guid.NewGuid():N}", account, now, now, null);
        Assert.Equal(StoreInsert.Inserted, (await Catalog.InsertStoreAsync(
            store, new StoreLimits(100, 10), Record(account, AuditActions.StoreCreate), current => StoreKeys.NewWrapped(Cipher, current, account, store.Id))).Outcome);
        return store;
    }

    /// <summary>An account row, as the operator's create makes it: stores are inserted only into accounts that exist.</summary>
    public async Task<Guid> NewAccountAsync()
    {
        var account = Guid.NewGuid();
        await using var insert = Db.CreateCommand("INSERT INTO accounts (id, name) VALUES ($1, 'storage-test')");
        insert.Parameters.AddWithValue(account.ToString("N"));
        await insert.ExecuteNonQueryAsync();
        return account;
    }

    public Task<StoreSnapshot> LoadAsync(Guid storeId) => Storage.LoadAsync(storeId, CancellationToken.None);

    /// <summary>Sealed records for new secrets, as the grain makes them.</summary>
    public static IReadOnlyList<SecretRecord> NewSecrets(StoreSnapshot store, params string[] names) =>
        names.Select(name =>
        {
            var id = Guid.NewGuid();
            var now = Timestamps.Now(TimeProvider.System);
            return new SecretRecord(id, name, now, now, null, ["workers"], store.Keys!.Seal(id, new SecretValue($"value of {name}")));
        }).ToList();

    /// <summary>Commits one command against the snapshot and applies it there when it committed, as the write queue does.</summary>
    public async Task<(CommitStatus Status, Outcome<T>? Answer)> CommitAsync<T>(StoreSnapshot store, StoreCommand<T> command)
    {
        var result = await Storage.CommitAsync(new StoreBatch(store, [command]));
        if (result.Status != CommitStatus.Committed)
        {
            return (result.Status, null);
        }

        store.Apply(result.Draft!);
        command.Complete();
        return (result.Status, await command.Answer);
    }

    public async Task<long> ScalarAsync(string sql, Guid id)
    {
        await using var command = Db.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public Task<long> UsageAsync(Guid accountId) => ScalarAsync("SELECT secrets_used FROM account_quotas WHERE account_id = $1", accountId);

    public Task<long> SecretRowsAsync(Guid accountId) =>
        ScalarAsync("SELECT count(*) FROM secrets JOIN stores ON stores.id = secrets.store_id WHERE stores.account_id = $1", accountId);

    public Task<long> VersionAsync(Guid storeId) => ScalarAsync("SELECT version FROM stores WHERE id = $1", storeId);

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        await Db.DisposeAsync();
    }
}
