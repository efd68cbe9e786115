using System.Data.Common;
using Npgsql;

namespace SecretsStore.Persistence;

/// <summary>
/// What the role the service runs as (the runtime role) may do in a database the owner role migrated: read and write
/// the rows of the service's tables, but only append to and read <c>audit_log</c>, and only read the schema's own
/// bookkeeping (<c>schema_migrations</c>, and <c>OrleansQuery</c>, whose rows are SQL the silos run). It owns nothing,
/// so it can change no table's definition, and it is granted no <c>TRUNCATE</c>, <c>REFERENCES</c> or <c>TRIGGER</c>.
/// </summary>
/// <remarks>
/// The owner applies these after every migration run, so a table that a new migration adds is covered at once. Every
/// privilege on the schema's tables and sequences is revoked first, so whatever was granted before, these are exactly
/// the runtime's afterwards; the revoke and the grants commit together, so a running process never sees them apart.
/// </remarks>
internal static class RuntimeRoleGrants
{
    private const string UndefinedRole = "42704";

    private const string AuditLog = "audit_log";

    /// <summary>The schema's bookkeeping: which migrations ran, and the SQL the Orleans providers run.</summary>
    private static readonly string[] ReadOnly = ["schema_migrations", "orleansquery"];

    /// <summary>Grants <paramref name="role"/> its privileges, unless it is the connection's own role (one role for everything).</summary>
    public static async Task ApplyAsync(DbConnection connection, DbTransaction transaction, string role, CancellationToken ct)
    {
        var (owner, schemaName) = await OwnerAndSchemaAsync(connection, transaction, ct);
        if (string.Equals(owner, role, StringComparison.Ordinal))
        {
            return;
        }

        var runtime = SqlIdentifier.Quote(role);
        var schema = SqlIdentifier.Quote(schemaName);
        var existing = await ExistingAsync(connection, transaction, [AuditLog, .. ReadOnly], ct);
        List<string> statements =
        [
            $"GRANT USAGE ON SCHEMA {schema} TO {runtime}",
            $"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {runtime}",
            $"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {runtime}",
            $"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {runtime}",
            $"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {runtime}",
            // PUBLIC may run functions unless a hardened server revoked that; the membership queries call ours.
            $"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {schema} TO {runtime}",
        ];
        if (existing.Contains(AuditLog))
        {
            // The trail is append-only for the service: pruning is the owner's (audit-prune).
            statements.Add($"REVOKE UPDATE, DELETE ON {AuditLog} FROM {runtime}");
        }

        statements.AddRange(ReadOnly.Where(existing.Contains).Select(table => $"REVOKE INSERT, UPDATE, DELETE ON {table} FROM {runtime}"));

        try
        {
            foreach (var sql in statements)
            {
                await TransactionCommands.ExecuteAsync(connection, transaction, sql, ct);
            }
        }
        catch (PostgresException e) when (e.SqlState == UndefinedRole)
        {
            throw new InvalidOperationException(
                $"The runtime role \"{role}\" (the user of the service's connection string) does not exist on the server. Create it first (deploy/README.md, \"Database roles\").", e);
        }

        // A role that does not own the tables gets only a warning from GRANT, and the service would fail later.
        if (existing.Contains(AuditLog) && !await MayAppendToTheTrailAsync(connection, transaction, role, ct))
        {
            throw new InvalidOperationException(
                $"The role \"{owner}\" could not grant \"{role}\" its privileges: migrate as the role that owns the service's tables.");
        }
    }

    private static async Task<(string Owner, string Schema)> OwnerAndSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken ct)
    {
        await using var command = TransactionCommands.Create(connection, transaction, "SELECT current_user, current_schema()");
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetString(0), reader.GetString(1));
    }

    /// <summary>
    /// Which of <paramref name="tables"/> exist in the connection's schema: the grants also run with each migration,
    /// before the later ones made theirs.
    /// </summary>
    private static async Task<HashSet<string>> ExistingAsync(DbConnection connection, DbTransaction transaction, string[] tables, CancellationToken ct)
    {
        await using var command = TransactionCommands.Create(connection, transaction,
            "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() AND tablename = ANY(@tables)", ("tables", tables));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var existing = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            existing.Add(reader.GetString(0));
        }

        return existing;
    }

    private static async Task<bool> MayAppendToTheTrailAsync(DbConnection connection, DbTransaction transaction, string role, CancellationToken ct)
    {
        await using var command = TransactionCommands.Create(
            connection, transaction, "SELECT has_table_privilege(@role, 'audit_log', 'INSERT')", ("role", role));
        return await command.ExecuteScalarAsync(ct) is true;
    }
}
