using Npgsql;

namespace SecretsStore.Tests.Faults;

/// <summary>What the database holds for an account, read straight from its tables.</summary>
public static class StoredSecrets
{
    /// <summary>Every secret name in the account's live stores, as store/name.</summary>
    public static async Task<HashSet<string>> NamesAsync(string connectionString, string accountId)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var command = db.CreateCommand(
            "SELECT s.store_id, s.name FROM secrets s JOIN stores st ON st.id = s.store_id WHERE st.account_id = $1 AND st.deleted IS NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = Guid.ParseExact(accountId, "N") });
        await using var reader = await command.ExecuteReaderAsync();
        var names = new HashSet<string>();
        while (await reader.ReadAsync())
        {
            names.Add($"{reader.GetGuid(0):N}/{reader.GetString(1)}");
        }

        return names;
    }

    /// <summary>The account's secret usage as its quota row keeps it.</summary>
    public static async Task<int> UsageAsync(string connectionString, string accountId)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var command = db.CreateCommand("SELECT secrets_used FROM account_quotas WHERE account_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = Guid.ParseExact(accountId, "N") });
        return (int)(await command.ExecuteScalarAsync() ?? 0);
    }

    public static string Key(this Attempt attempt) => $"{attempt.Store}/{attempt.Name}";
}
