using Npgsql;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Persistence.Audit;

namespace SecretsStore.Persistence.Access;

/// <summary>An account token as listed: never its value.</summary>
public sealed record TokenRecord(string Id, string Name, string Permission, DateTime Created);

/// <summary>A token just made: its id, and its value, which is shown once and printed nowhere.</summary>
public sealed record IssuedToken(string Id, string Token)
{
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Id = ").Append(Id).Append(", Token = ").Append(Redacted.Mask);
        return true;
    }
}

/// <summary>An account key as listed: its email, never the key.</summary>
public sealed record KeyRecord(string Email, DateTime Created);

/// <summary>
/// Account tokens and account keys (migration 0004). Only hashes are stored; a token's value is returned once, at creation. Each change
/// commits with its audit record (when one is given: the development run's first credentials have no request).
/// </summary>
public sealed class CredentialRepository(NpgsqlDataSource db)
{
    public async Task<IssuedToken> CreateTokenAsync(
        Guid accountId, string name, Permission permission, AuditRecord? audit = null, CancellationToken ct = default)
    {
        var id = Guid.NewGuid().ToString("N");
        var token = TokenHasher.NewToken();
        var insert = BatchStatement.Of(
            "insert into account_tokens (id, account_id, name, permission, token_hash) values ($1, $2, $3, $4, $5)",
            id, accountId.ToString("N"), name, PermissionName(permission), TokenHasher.Hash(token));
        await AuditedChange.RunAsync(db, [insert], audit is null ? [] : [audit.WithSubject($"token:{id}")], ct);
        return new IssuedToken(id, token);
    }

    public async Task<IReadOnlyList<TokenRecord>> ListTokensAsync(Guid accountId, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(
            "select id, name, permission, created from account_tokens where account_id = $1 and revoked_at is null order by created, id");
        cmd.Parameters.AddWithValue(accountId.ToString("N"));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var tokens = new List<TokenRecord>();
        while (await reader.ReadAsync(ct))
        {
            tokens.Add(new TokenRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetDateTime(3)));
        }

        return tokens;
    }

    public async Task<IReadOnlyList<KeyRecord>> ListKeysAsync(Guid accountId, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("select email, created from account_keys where account_id = $1 order by created, email");
        cmd.Parameters.AddWithValue(accountId.ToString("N"));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var keys = new List<KeyRecord>();
        while (await reader.ReadAsync(ct))
        {
            keys.Add(new KeyRecord(reader.GetString(0), reader.GetDateTime(1)));
        }

        return keys;
    }

    /// <summary>Marks a token revoked; true when it existed and was live.</summary>
    public Task<bool> RevokeTokenAsync(Guid accountId, string tokenId, AuditRecord audit, CancellationToken ct = default) =>
        AuditedChange.RunOneRowAsync(db, BatchStatement.Of(
            "update account_tokens set revoked_at = now() where account_id = $1 and id = $2 and revoked_at is null",
            accountId.ToString("N"), tokenId.ToLowerInvariant()), audit.WithSubject($"token:{tokenId.ToLowerInvariant()}"), ct);

    /// <summary>Issues a key for an email on an account, replacing any earlier key of that pair.</summary>
    public async Task<string> CreateKeyAsync(Guid accountId, string email, AuditRecord audit, CancellationToken ct = default)
    {
        var key = TokenHasher.NewToken();
        var upsert = BatchStatement.Of(
            """
            insert into account_keys (account_id, email, key_hash) values ($1, $2, $3)
            on conflict (account_id, email) do update set key_hash = excluded.key_hash, created = now()
            """,
            accountId.ToString("N"), NormalizeEmail(email), TokenHasher.Hash(key));
        await AuditedChange.RunAsync(db, [upsert], [audit.WithSubject($"key:{NormalizeEmail(email)}")], ct);
        return key;
    }

    public Task<bool> DeleteKeyAsync(Guid accountId, string email, AuditRecord audit, CancellationToken ct = default) =>
        AuditedChange.RunOneRowAsync(db, BatchStatement.Of(
            "delete from account_keys where account_id = $1 and email = $2", accountId.ToString("N"), NormalizeEmail(email)),
            audit.WithSubject($"key:{NormalizeEmail(email)}"), ct);

    public async Task<TokenMatch?> FindTokenAsync(byte[] tokenHash, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(
            "select id, account_id, permission, token_hash from account_tokens where token_hash = $1 and revoked_at is null");
        cmd.Parameters.AddWithValue(tokenHash);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct) || !TokenHasher.FixedTimeEquals(reader.GetFieldValue<byte[]>(3), tokenHash))
        {
            return null;
        }

        return new TokenMatch(Guid.ParseExact(reader.GetString(1), "N"), ParsePermission(reader.GetString(2)), reader.GetString(0));
    }

    /// <summary>The accounts a key opens for this email; null when the pair matches nothing.</summary>
    public async Task<KeyMatch?> FindKeyAsync(string email, byte[] keyHash, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("select account_id, key_hash from account_keys where key_hash = $1 and email = $2");
        cmd.Parameters.AddWithValue(keyHash);
        cmd.Parameters.AddWithValue(NormalizeEmail(email));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var accounts = new HashSet<Guid>();
        while (await reader.ReadAsync(ct))
        {
            if (TokenHasher.FixedTimeEquals(reader.GetFieldValue<byte[]>(1), keyHash))
            {
                accounts.Add(Guid.ParseExact(reader.GetString(0), "N"));
            }
        }

        return accounts.Count == 0 ? null : new KeyMatch(NormalizeEmail(email), accounts);
    }

    public static string PermissionName(Permission permission) => permission == Permission.Write ? "write" : "read";

    private static Permission ParsePermission(string name) => name == "write" ? Permission.Write : Permission.Read;

    private static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();
}
