using Npgsql;
using SecretsStore.Grains.Abstractions.Audit;
using SecretsStore.Persistence.Audit;

namespace SecretsStore.Persistence.Access;

/// <summary>A service as listed: never its token.</summary>
public sealed record ServiceRecord(string Name, IReadOnlyList<string> Scopes, DateTime Created);

/// <summary>The services table (migration 0005). A service is its name; its token is stored as a hash and shown once.</summary>
public sealed class ServiceRepository(NpgsqlDataSource db)
{
    /// <summary>Creates a service and answers its token, or null when the name is taken; the change commits with its record.</summary>
    public async Task<string?> CreateAsync(string name, IReadOnlyList<string> scopes, AuditRecord audit, CancellationToken ct = default)
    {
        var token = TokenHasher.NewToken();
        var insert = BatchStatement.Of(
            "insert into services (name, scopes, token_hash) values ($1, $2, $3) on conflict (name) do nothing",
            name, scopes.ToArray(), TokenHasher.Hash(token));
        return await AuditedChange.RunAsync(db, insert, audit.WithSubject($"service:{name}"), ct) ? token : null;
    }

    /// <summary>Gives a service a new token (the old one stops working); null when there is no such service.</summary>
    public async Task<string?> RotateTokenAsync(string name, AuditRecord audit, CancellationToken ct = default)
    {
        var token = TokenHasher.NewToken();
        var update = BatchStatement.Of("update services set token_hash = $2 where name = $1", name, TokenHasher.Hash(token));
        return await AuditedChange.RunAsync(db, update, audit.WithSubject($"service:{name}"), ct) ? token : null;
    }

    public Task<bool> DeleteAsync(string name, AuditRecord audit, CancellationToken ct = default) =>
        AuditedChange.RunAsync(db, BatchStatement.Of("delete from services where name = $1", name), audit.WithSubject($"service:{name}"), ct);

    public async Task<IReadOnlyList<ServiceRecord>> ListAsync(CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("select name, scopes, created from services order by name");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var services = new List<ServiceRecord>();
        while (await reader.ReadAsync(ct))
        {
            services.Add(new ServiceRecord(reader.GetString(0), reader.GetFieldValue<string[]>(1), reader.GetDateTime(2)));
        }

        return services;
    }

    public async Task<ServiceMatch?> FindByTokenAsync(byte[] tokenHash, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("select name, scopes, token_hash from services where token_hash = $1");
        cmd.Parameters.AddWithValue(tokenHash);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct) || !TokenHasher.FixedTimeEquals(reader.GetFieldValue<byte[]>(2), tokenHash))
        {
            return null;
        }

        return new ServiceMatch(reader.GetString(0), reader.GetFieldValue<string[]>(1));
    }
}
