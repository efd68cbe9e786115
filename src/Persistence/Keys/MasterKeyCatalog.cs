using Npgsql;
using SecretsStore.Persistence.Audit;

namespace SecretsStore.Persistence.Keys;

/// <summary>What a rotation did: the new current key, or why there is none.</summary>
/// <param name="Lacking">Running silos (address:port) that do not hold the chosen key: nothing was changed.</param>
public sealed record RotationResult(string? Current, IReadOnlyList<string> Lacking);

/// <summary>A master key as the database knows it, with the number of live stores whose data key it wraps.</summary>
public sealed record MasterKeyRow(string Fingerprint, string State, DateTime? BecameCurrent, DateTime? Retired, long Stores);

/// <summary>
/// The <c>master_keys</c> table (migration 0008): which key is current, which are retiring and which are retired. The
/// key itself is never stored, only its fingerprint.
/// </summary>
public sealed class MasterKeyCatalog(NpgsqlDataSource db)
{
    /// <summary>
    /// Read inside the transaction that inserts a store: the share lock makes a rotation (which updates this row)
    /// wait for the insert, so no store is wrapped under a key that stopped being current before it committed.
    /// </summary>
    public const string LockCurrent = "SELECT fingerprint FROM master_keys WHERE state = 'current' FOR SHARE";

    /// <summary>
    /// <see cref="LockCurrent"/> on its own, for a transaction whose own <see cref="LockCurrent"/> found no row: a rotation
    /// that commits while the statement waits for the current row's lock leaves it with none (PostgreSQL re-checks the
    /// row it waited for, which is retiring now, and the new current row came after the statement's snapshot). A new
    /// statement sees the new current row, so this asks again, a few times in case rotations follow each other.
    /// </summary>
    public static async Task<string> LockCurrentAgainAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await using var command = new NpgsqlCommand(LockCurrent, connection, transaction);
            if (await command.ExecuteScalarAsync(ct) is string current)
            {
                return current;
            }
        }

        throw new InvalidOperationException("No master key is current: the silo's start records one.");
    }

    // Serialises rotations with each other and with the first start of a database; any constant does, it only has
    // to differ from the other advisory locks (the migrator's, the re-wrapper's).
    private const long RotationLockKey = 0x4D4B_524F_5441_5445; // "MKROTATE"

    private const string SelectCurrent = "SELECT fingerprint FROM master_keys WHERE state = 'current'";

    // Stores wrapped before this table existed name their keys only in their rows: those keys are recorded as
    // retiring, so the re-wrapper moves their stores to the current key like any other rotation's.
    private const string RecordOlderKeys = """
        INSERT INTO master_keys (fingerprint, state)
        SELECT DISTINCT master_key_id, 'retiring' FROM stores WHERE master_key_id IS NOT NULL AND master_key_id <> $1
        ON CONFLICT DO NOTHING
        """;

    private const string RecordFirstCurrent = """
        INSERT INTO master_keys (fingerprint, state, became_current) VALUES ($1, 'current', now())
        ON CONFLICT (fingerprint) DO UPDATE SET state = 'current', became_current = now(), retired = NULL
        """;

    private const string CurrentToRetiring = "UPDATE master_keys SET state = 'retiring' WHERE state = 'current'";

    private const string InsertCurrent = "INSERT INTO master_keys (fingerprint, state, became_current) VALUES ($1, 'current', now())";

    private const string SelectWithCounts = """
        SELECT k.fingerprint, k.state, k.became_current, k.retired, coalesce(c.stores, 0)
          FROM master_keys k
          LEFT JOIN (SELECT master_key_id, count(*) AS stores FROM stores WHERE master_key_id IS NOT NULL GROUP BY master_key_id) c
            ON c.master_key_id = k.fingerprint
         ORDER BY k.became_current NULLS FIRST, k.fingerprint
        """;

    /// <summary>
    /// The current key's fingerprint. A database that has none yet (its first start) records
    /// <paramref name="newestConfigured"/> as current.
    /// </summary>
    public async Task<string> EnsureCurrentAsync(string newestConfigured, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({RotationLockKey})", ct);
        await using (var select = new NpgsqlCommand(SelectCurrent, connection, transaction))
        {
            if (await select.ExecuteScalarAsync(ct) is string current)
            {
                await transaction.CommitAsync(ct);
                return current;
            }
        }

        await ExecuteAsync(connection, transaction, RecordOlderKeys, ct, newestConfigured);
        await ExecuteAsync(connection, transaction, RecordFirstCurrent, ct, newestConfigured);
        await transaction.CommitAsync(ct);
        return newestConfigured;
    }

    /// <summary>
    /// Makes the key <paramref name="choose"/> picks current and the current one retiring. It is shown every key the
    /// database has ever known (none of them may be current again) and answers null when it has no new key. With a
    /// <paramref name="silo"/>, the key must also be held by every running silo of the cluster; it is asked for this
    /// silo's keys after <paramref name="choose"/>, which may have added one. The record <paramref name="recordOf"/> makes
    /// for the new current key commits with the rotation, so a recorded rotation is one that happened.
    /// </summary>
    public async Task<RotationResult> RotateAsync(
        Func<IReadOnlySet<string>, string?> choose, Func<SiloKeys>? silo = null, Func<string, AuditRecord>? recordOf = null, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({RotationLockKey})", ct);
        var known = new HashSet<string>(StringComparer.Ordinal);
        await using (var select = new NpgsqlCommand("SELECT fingerprint FROM master_keys", connection, transaction))
        await using (var reader = await select.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                known.Add(reader.GetString(0));
            }
        }

        if (choose(known) is not { } chosen || known.Contains(chosen))
        {
            return new RotationResult(null, []);
        }

        if (silo is not null)
        {
            // This silo's own row first: a development run may just have added the key.
            var holder = silo();
            await SiloKeyRows.RecordAsync(connection, transaction, holder, ct);
            if (await SiloKeyRows.LackingAsync(connection, transaction, holder.ClusterId, chosen, ct) is { Count: > 0 } lacking)
            {
                return new RotationResult(null, lacking);
            }
        }

        // The first statement waits for store inserts that read the old current key (they hold it share-locked) to commit.
        await AuditedChange.CommitAsync(
            connection, transaction, [BatchStatement.Of(CurrentToRetiring), BatchStatement.Of(InsertCurrent, chosen)],
            recordOf is null ? [] : [recordOf(chosen)], ct);
        return new RotationResult(chosen, []);
    }

    /// <summary>Records which keys this silo holds, and forgets silos that are gone.</summary>
    public async Task RecordSiloAsync(SiloKeys silo, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await SiloKeyRows.RecordAsync(connection, null, silo, ct);
    }

    /// <summary>
    /// The connection that moves stores off retiring keys, or null when no key is retiring or another silo already
    /// holds it (<see cref="RewrapSession"/>).
    /// </summary>
    public Task<RewrapSession?> TryBeginRewrapAsync(CancellationToken ct = default) => RewrapSession.TryBeginAsync(db, ct);

    /// <summary>Every key the database knows, oldest first, with how many live stores each still wraps.</summary>
    public async Task<IReadOnlyList<MasterKeyRow>> ListAsync(CancellationToken ct = default)
    {
        await using var command = db.CreateCommand(SelectWithCounts);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var keys = new List<MasterKeyRow>();
        while (await reader.ReadAsync(ct))
        {
            keys.Add(new MasterKeyRow(
                reader.GetString(0), reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetDateTime(2), reader.IsDBNull(3) ? null : reader.GetDateTime(3),
                reader.GetInt64(4)));
        }

        return keys;
    }

    private static async Task ExecuteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct, string? parameter = null)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        if (parameter is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync(ct);
    }
}
