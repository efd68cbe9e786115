using System.Collections.Concurrent;
using Npgsql;
using SecretsStore.Persistence.Audit;

namespace SecretsStore.Persistence.Access;

/// <summary>An account as the operator sees it.</summary>
public sealed record AccountRecord(string Id, string Name, DateTime Created);

/// <summary>The accounts table (migration 0004).</summary>
public sealed class AccountRepository(NpgsqlDataSource db)
{
    // Accounts seen to exist, and until when (Environment.TickCount64) that answer may stand in for a look-up.
    private readonly ConcurrentDictionary<Guid, long> _known = new();

    // Bumped by every Forget: a look-up that was under way then does not remember what it read.
    private long _forgets;

    /// <summary>
    /// Creates an account. With <paramref name="audit"/>, its record commits with the account (one batch is one implicit
    /// transaction), naming the new account as the record's account and subject; the development run's first account
    /// is made without a request, and so without one.
    /// </summary>
    public async Task<AccountRecord> CreateAsync(string name, AuditRecord? audit = null, CancellationToken ct = default)
    {
        var id = Guid.NewGuid();
        var created = (DateTime)(await AuditedChange.RunAsync(
            db,
            [BatchStatement.Of("insert into accounts (id, name) values ($1, $2) returning created", id.ToString("N"), name)],
            audit is null ? [] : [audit with { AccountId = id, Subject = $"account:{id:N}" }],
            ct))!;
        return new AccountRecord(id.ToString("N"), name, created);
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

    /// <summary>
    /// Whether the account exists. With <paramref name="remembered"/> set, an answer of "yes" seen within that time is
    /// used instead of the database; "no" is never remembered, and a delete on this node forgets at once.
    /// </summary>
    public async ValueTask<bool> ExistsAsync(Guid id, TimeSpan remembered, CancellationToken ct = default)
    {
        if (remembered > TimeSpan.Zero && _known.TryGetValue(id, out var until) && Environment.TickCount64 < until)
        {
            return true;
        }

        var forgets = Interlocked.Read(ref _forgets);
        if (await FindAsync(id, ct) is null)
        {
            _known.TryRemove(id, out _);
            return false;
        }

        if (Interlocked.Read(ref _forgets) != forgets)
        {
            return true; // an account was deleted meanwhile, perhaps this one: answer what was read, remember nothing
        }

        if (_known.Count > 100_000)
        {
            _known.Clear(); // a bound, not a policy: the next checks ask the database again
        }

        _known[id] = Environment.TickCount64 + (long)remembered.TotalMilliseconds;
        return true;
    }

    /// <summary>After a delete (here, or on another gateway: the gateway's revocation broadcast calls this): stop taking the account for existing.</summary>
    public void Forget(Guid id)
    {
        Interlocked.Increment(ref _forgets);
        _known.TryRemove(id, out _);
    }

    public async Task<AccountRecord?> FindAsync(Guid id, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("select id, name, created from accounts where id = $1");
        cmd.Parameters.AddWithValue(id.ToString("N"));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new AccountRecord(reader.GetString(0), reader.GetString(1), reader.GetDateTime(2)) : null;
    }
}
