using Npgsql;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Persistence.Audit;

namespace SecretsStore.Persistence.Access;

/// <summary>A service as listed: never its token.</summary>
public sealed record ServiceRecord(string Name, IReadOnlyList<string> Scopes, ServiceGrants Grants, DateTime Created);

/// <summary>What a change of a service's grants found; only <see cref="Done"/> changed anything.</summary>
public enum GrantChange
{
    Done,
    ServiceMissing,
    AccountMissing,

    /// <summary>A revoke of an account (or of every account) the service was not granted.</summary>
    NotGranted,
}

/// <summary>What a create did: the token, or why there is none (the name is taken, or an account named does not exist).</summary>
/// <param name="MissingAccount">The first account of the request that names no account, by its place in the list.</param>
public sealed record ServiceCreation(string? Token, bool NameTaken = false, int? MissingAccount = null)
{
    /// <summary>Prints the token as a mask: it is shown once, in the answer, and nowhere else.</summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Token = ").Append(Redacted.MaskOf(Token))
            .Append(", NameTaken = ").Append(NameTaken).Append(", MissingAccount = ").Append(MissingAccount);
        return true;
    }
}

/// <summary>
/// The services table (migration 0005) and the accounts each may act in (migration 0009). A service is its name; its
/// token is stored as a hash and shown once. Every change commits with its audit records: the service's own record
/// (no account), and for each account the change grants or takes back a record in that account's trail, so a tenant can
/// see which services were given its account.
/// </summary>
public sealed class ServiceRepository(NpgsqlDataSource db)
{
    private const string UniqueViolation = "23505";

    /// <summary>
    /// Creates a service granted <paramref name="grants"/>. The accounts are locked against deletion until the service
    /// commits (an account deleted meanwhile would take its grant with it; this way the create waits or refuses).
    /// </summary>
    /// <param name="accounts">The account ids as the request listed them (for the refusal's place); <paramref name="grants"/> holds them parsed.</param>
    public async Task<ServiceCreation> CreateAsync(
        string name, IReadOnlyList<string> scopes, ServiceGrants grants, IReadOnlyList<Guid> accounts, AuditRecord audit, CancellationToken ct = default)
    {
        var token = TokenHasher.NewToken();
        var subject = $"service:{name}";
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var existing = await LockAccountsAsync(connection, transaction, accounts, ct);
        for (var i = 0; i < accounts.Count; i++)
        {
            if (!existing.Contains(accounts[i]))
            {
                return new ServiceCreation(null, MissingAccount: i);
            }
        }

        var records = new List<AuditRecord> { audit.WithSubject(subject) };
        records.AddRange(GrantRecords(audit, AuditActions.ServiceGrant, subject, grants));
        NpgsqlBatchCommand[] insert =
        [
            BatchStatement.Of(
                "insert into services (name, scopes, token_hash, every_account) values ($1, $2, $3, $4)",
                name, scopes.ToArray(), TokenHasher.Hash(token), grants.EveryAccount),
            BatchStatement.Of(
                "insert into service_accounts (service, account_id) select $1, unnest($2::text[])",
                name, grants.Accounts.Select(a => a.ToString("N")).ToArray()),
        ];
        try
        {
            await AuditedChange.CommitAsync(connection, transaction, insert, records, ct);
        }
        catch (PostgresException ex) when (ex.SqlState == UniqueViolation && ex.ConstraintName == "services_pkey")
        {
            return new ServiceCreation(null, NameTaken: true);
        }

        return new ServiceCreation(token);
    }

    /// <summary>
    /// Grants a service an account (null: every account). Granting what it already has changes nothing and is still
    /// done (and recorded): a PUT says what should hold.
    /// </summary>
    public async Task<GrantChange> GrantAsync(string name, Guid? accountId, AuditRecord audit, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await CheckAsync(connection, transaction, name, accountId, ct) is { } missing)
        {
            return missing;
        }

        var grant = accountId is { } account
            ? BatchStatement.Of("insert into service_accounts (service, account_id) values ($1, $2) on conflict do nothing", name, account.ToString("N"))
            : BatchStatement.Of("update services set every_account = true where name = $1", name);
        await AuditedChange.CommitAsync(connection, transaction, [grant], [GrantRecord(audit, name, accountId)], ct);
        return GrantChange.Done;
    }

    /// <summary>Takes back a service's grant of an account (null: of every account; the accounts granted one by one stay).</summary>
    public async Task<GrantChange> RevokeAsync(string name, Guid? accountId, AuditRecord audit, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await CheckAsync(connection, transaction, name, accountId, ct) is { } missing)
        {
            return missing;
        }

        var revoke = accountId is { } account
            ? BatchStatement.Of("delete from service_accounts where service = $1 and account_id = $2", name, account.ToString("N"))
            : BatchStatement.Of("update services set every_account = false where name = $1 and every_account", name);
        return await AuditedChange.CommitOneRowAsync(connection, transaction, revoke, [GrantRecord(audit, name, accountId)], ct)
            ? GrantChange.Done
            : GrantChange.NotGranted;
    }

    /// <summary>Gives a service a new token (the old one stops working); null when there is no such service.</summary>
    public async Task<string?> RotateTokenAsync(string name, AuditRecord audit, CancellationToken ct = default)
    {
        var token = TokenHasher.NewToken();
        var update = BatchStatement.Of("update services set token_hash = $2 where name = $1", name, TokenHasher.Hash(token));
        return await AuditedChange.RunOneRowAsync(db, update, audit.WithSubject($"service:{name}"), ct) ? token : null;
    }

    /// <summary>
    /// Deletes a service; its grants go with it, each recorded as taken back in its account's trail. False, having
    /// changed nothing, when there is no such service.
    /// </summary>
    public async Task<bool> DeleteAsync(string name, AuditRecord audit, CancellationToken ct = default)
    {
        var subject = $"service:{name}";
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var revoked = new List<Guid>();
        await using (var grants = new NpgsqlCommand("delete from service_accounts where service = $1 returning account_id", connection, transaction)
        {
            Parameters = { new NpgsqlParameter { Value = name } },
        })
        await using (var reader = await grants.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                revoked.Add(Guid.ParseExact(reader.GetString(0), "N"));
            }
        }

        var records = new List<AuditRecord> { audit.WithSubject(subject) };
        records.AddRange(GrantRecords(audit, AuditActions.ServiceRevoke, subject, new ServiceGrants(false, revoked.ToHashSet())));
        return await AuditedChange.CommitOneRowAsync(connection, transaction, BatchStatement.Of("delete from services where name = $1", name), records, ct);
    }

    public async Task<IReadOnlyList<ServiceRecord>> ListAsync(CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(
            """
            select s.name, s.scopes, s.created, s.every_account,
                   array(select a.account_id from service_accounts a where a.service = s.name)
              from services s order by s.name
            """);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var services = new List<ServiceRecord>();
        while (await reader.ReadAsync(ct))
        {
            services.Add(new ServiceRecord(reader.GetString(0), reader.GetFieldValue<string[]>(1), GrantsOf(reader, 3), reader.GetDateTime(2)));
        }

        return services;
    }

    public async Task<ServiceMatch?> FindByTokenAsync(byte[] tokenHash, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(
            """
            select s.name, s.scopes, s.token_hash, s.every_account,
                   array(select a.account_id from service_accounts a where a.service = s.name)
              from services s where s.token_hash = $1
            """);
        cmd.Parameters.AddWithValue(tokenHash);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct) || !TokenHasher.FixedTimeEquals(reader.GetFieldValue<byte[]>(2), tokenHash))
        {
            return null;
        }

        return new ServiceMatch(reader.GetString(0), reader.GetFieldValue<string[]>(1), GrantsOf(reader, 3));
    }

    /// <summary>The grant flag at <paramref name="at"/> and the granted account ids after it.</summary>
    private static ServiceGrants GrantsOf(NpgsqlDataReader reader, int at) =>
        new(reader.GetBoolean(at), reader.GetFieldValue<string[]>(at + 1).Select(id => Guid.ParseExact(id, "N")).ToHashSet());

    /// <summary>The accounts of <paramref name="ids"/> that exist, locked so that none is deleted before this transaction ends.</summary>
    private static async Task<HashSet<Guid>> LockAccountsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        var existing = new HashSet<Guid>();
        if (ids.Count == 0)
        {
            return existing;
        }

        await using var select = new NpgsqlCommand("select id from accounts where id = any($1) for key share", connection, transaction)
        {
            Parameters = { new NpgsqlParameter { Value = ids.Select(id => id.ToString("N")).ToArray() } },
        };
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            existing.Add(Guid.ParseExact(reader.GetString(0), "N"));
        }

        return existing;
    }

    /// <summary>Whether the service exists (locked for the change) and the account, if one is named, too.</summary>
    private static async Task<GrantChange?> CheckAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string name, Guid? accountId, CancellationToken ct)
    {
        await using (var service = new NpgsqlCommand("select 1 from services where name = $1 for update", connection, transaction)
        {
            Parameters = { new NpgsqlParameter { Value = name } },
        })
        {
            if (await service.ExecuteScalarAsync(ct) is null)
            {
                return GrantChange.ServiceMissing;
            }
        }

        return accountId is { } account && (await LockAccountsAsync(connection, transaction, [account], ct)).Count == 0 ? GrantChange.AccountMissing : null;
    }

    /// <summary>The record of a grant or revoke: in the account's trail, or in no account's for every account.</summary>
    private static AuditRecord GrantRecord(AuditRecord audit, string name, Guid? accountId) =>
        audit with { AccountId = accountId, Subject = $"service:{name}" };

    /// <summary>One record per account granted or taken back, in that account's trail; one of no account for every account.</summary>
    private static IEnumerable<AuditRecord> GrantRecords(AuditRecord audit, string action, string subject, ServiceGrants grants)
    {
        var record = audit with { Action = action, Subject = subject };
        if (grants.EveryAccount)
        {
            yield return record with { AccountId = null };
        }

        foreach (var account in grants.Accounts.Order())
        {
            yield return record with { AccountId = account };
        }
    }
}
