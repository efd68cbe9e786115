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
        string[] statements =
        [
            $"GRANT USAGE ON SCHEMA {schema} TO {runtime}",
            $"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {runtime}",
            $"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {runtime}",
            $"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {runtime}",
            $"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {runtime}",
            // PUBLIC may run functions unless a hardened server revoked that; the membership queries call ours.
            $"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {schema} TO {runtime}",
            // The trail is append-only for the service: pruning is the owner's (audit-prune).
            $"REVOKE UPDATE, DELETE ON audit_log FROM {runtime}",
            $"REVOKE INSERT, UPDATE, DELETE ON schema_migrations, OrleansQuery FROM {runtime}",
        ];

        try
        {
            foreach (var sql in statements)
            {
                await ExecuteAsync(connection, transaction, sql, ct);
            }
        }
        catch (PostgresException e) when (e.SqlState == UndefinedRole)
        {
            throw new InvalidOperationException(
                $"The runtime role \"{role}\" (the user of the service's connection string) does not exist on the server. Create it first (deploy/README.md, \"Database roles\").", e);
        }

        // A role that does not own the tables gets only a warning from GRANT, and the service would fail later.
        if (!await MayAppendToTheTrailAsync(connection, transaction, role, ct))
        {
            throw new InvalidOperationException(
                $"The role \"{owner}\" could not grant \"{role}\" its privileges: migrate as the role that owns the service's tables.");
        }
    }

    private static async Task<(string Owner, string Schema)> OwnerAndSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken ct)
    {
        await using var command = Command(connection, transaction, "SELECT current_user, current_schema()");
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetString(0), reader.GetString(1));
    }

    private static async Task<bool> MayAppendToTheTrailAsync(DbConnection connection, DbTransaction transaction, string role, CancellationToken ct)
    {
        await using var command = Command(connection, transaction, "SELECT has_table_privilege(@role, 'audit_log', 'INSERT')");
        var parameter = command.CreateParameter();
        parameter.ParameterName = "role";
        parameter.Value = role;
        command.Parameters.Add(parameter);
        return await command.ExecuteScalarAsync(ct) is true;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken ct)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
