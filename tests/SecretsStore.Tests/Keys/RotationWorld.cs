using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using SecretsStore.Grains.Crypto;
using SecretsStore.Persistence.Stores;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Keys;

/// <summary>One secret a rotation test wrote, with the value it expects back.</summary>
public sealed record WrittenSecret(string Store, string Id, string Value);

/// <summary>What rotation tests share: master keys, stores full of known values, and the rows as the database holds them.</summary>
public static class RotationWorld
{
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string FingerprintOf(string key) => MasterKeyRing.Fingerprint(Convert.FromBase64String(key));

    /// <summary>An account with room for <paramref name="stores"/> stores, each made with one secret.</summary>
    public static async Task<(TestAccount Account, ConcurrentBag<WrittenSecret> Secrets)> SeedAsync(ApiClient api, string adminToken, int stores)
    {
        var account = await AppFixture.NewAccountAsync(api, adminToken);
        var quota = await api.PutAsync($"/admin/v1/accounts/{account.Id}/quota", adminToken, new { secrets = 100_000, stores = 10_000 });
        Assert.Equal(200, quota.Status);
        var secrets = new ConcurrentBag<WrittenSecret>();
        await Parallel.ForEachAsync(Enumerable.Range(0, stores), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            var store = await api.CreateStoreAsync(account, $"seed_{i}");
            var value = $"seed-value-{i}-{Guid.NewGuid():N}";
            var secret = await api.CreateSecretAsync(account, store, $"S{i}", value);
            secrets.Add(new WrittenSecret(store, secret.GetProperty("id").GetString()!, value));
        });
        return (account, secrets);
    }

    /// <summary>How many live stores each master key wraps, by fingerprint.</summary>
    public static async Task<Dictionary<string, long>> StoresByKeyAsync(string connectionString)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var command = db.CreateCommand("SELECT master_key_id, count(*) FROM stores WHERE master_key_id IS NOT NULL GROUP BY 1");
        await using var reader = await command.ExecuteReaderAsync();
        var counts = new Dictionary<string, long>();
        while (await reader.ReadAsync())
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    public static async Task<long> StoresUnderAsync(string connectionString, string key) =>
        (await StoresByKeyAsync(connectionString)).GetValueOrDefault(FingerprintOf(key));

    public static async Task<string?> StateOfAsync(string connectionString, string key)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var command = db.CreateCommand("SELECT state FROM master_keys WHERE fingerprint = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = FingerprintOf(key) });
        return await command.ExecuteScalarAsync() as string;
    }

    /// <summary>
    /// Opens every secret of every live store straight from its rows with only <paramref name="keys"/>, as a silo
    /// configured with only those keys would: answers each secret's value by id.
    /// </summary>
    public static async Task<Dictionary<string, string>> OpenEveryValueAsync(string connectionString, params string[] keys)
    {
        var cipher = new ValueCipher(MasterKeyRing.FromBase64(keys));
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var command = db.CreateCommand("""
            SELECT st.account_id, st.id, st.master_key_id, st.data_key, s.id, s.sealed_value
              FROM stores st JOIN secrets s ON s.store_id = st.id
             WHERE st.deleted IS NULL
            """);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new Dictionary<string, string>();
        while (await reader.ReadAsync())
        {
            var (account, store, secret) = (reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(4));
            var dataKey = cipher.Unwrap(new WrappedKey(reader.GetString(2), reader.GetFieldValue<byte[]>(3)), account, store);
            values[secret.ToString("N")] = cipher.Decrypt(dataKey, account, store, secret, reader.GetFieldValue<byte[]>(5));
        }

        return values;
    }

    /// <summary>Every written value opens, straight from the database, with only <paramref name="keys"/>.</summary>
    public static async Task AssertEveryValueOpensWithAsync(string connectionString, IEnumerable<WrittenSecret> written, params string[] keys)
    {
        var opened = await OpenEveryValueAsync(connectionString, keys);
        foreach (var secret in written)
        {
            Assert.True(opened.TryGetValue(secret.Id, out var value), $"secret {secret.Id} is missing");
            Assert.Equal(secret.Value, value);
        }
    }

    /// <summary>Through the service: a service that may read them gets every value as written.</summary>
    public static async Task AssertServiceReadsEveryValueAsync(ApiClient api, string adminToken, TestAccount account, IEnumerable<WrittenSecret> written)
    {
        var reader = await AppFixture.NewServiceAsync(api, adminToken);
        await Parallel.ForEachAsync(written, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (secret, _) =>
            Assert.Equal(secret.Value, await api.ReadValueAsync(reader, account.Id, secret.Store, secret.Id)));
    }

    /// <summary>Neither a value nor a master key, as text or as the hex a bytea column prints, is in <paramref name="text"/>.</summary>
    public static void AssertNoneIn(string text, IEnumerable<string> needles, string where)
    {
        foreach (var needle in needles)
        {
            Assert.False(text.Contains(needle, StringComparison.Ordinal), $"{where} holds a value or key in plaintext");
            Assert.False(text.Contains(Convert.ToHexStringLower(Encoding.UTF8.GetBytes(needle)), StringComparison.Ordinal), $"{where} holds a value or key as hex");
        }
    }

    /// <param name="detail">What to show when it times out (a silo's output).</param>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<string>? detail = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}\n{detail?.Invoke()}");
            await Task.Delay(50);
        }
    }
}
