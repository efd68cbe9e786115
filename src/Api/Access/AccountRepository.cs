using Npgsql;

namespace SecretsStore.Api.Access;

/// <summary>An account as the operator sees it.</summary>
public sealed record AccountRecord(string Id, string Name, DateTime Created);

/// <summary>The accounts table.</summary>
public sealed class AccountRepository(NpgsqlDataSource db)
{
    public async Task<AccountRecord> CreateAsync(string name, CancellationToken ct = default)
    {
        var id = Guid.NewGuid().ToString("N");
        await using var cmd = db.CreateCommand("insert into accounts (id, name) values ($1, $2) returning created");
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(name);
        var created = (DateTime)(await cmd.ExecuteScalarAsync(ct))!;
        return new AccountRecord(id, name, created);
    }

    public async Task<IReadOnlyList<AccountRecord>> ListAsync(CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("select id, name, created from accounts order by created, id");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var accounts = new List<AccountRecord>();
        while (await reader.ReadAsync(ct))
        {
            accounts.Add(new AccountRecord(reader.GetString(0), reader.GetString(1), reader.GetDateTime(2)));
        }

        return accounts;
    }

    public async Task<AccountRecord?> FindAsync(Guid id, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("select id, name, created from accounts where id = $1");
        cmd.Parameters.AddWithValue(id.ToString("N"));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new AccountRecord(reader.GetString(0), reader.GetString(1), reader.GetDateTime(2)) : null;
    }
}
