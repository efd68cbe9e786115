using Npgsql;

namespace SecretsStore.Persistence.Keys;

/// <summary>
/// The <c>silo_master_keys</c> table (migration 0008): which master keys each silo holds, read against Orleans'
/// membership table to find the running silos that lack a key. Used inside the catalog's transactions.
/// </summary>
internal static class SiloKeyRows
{
    private const string Record = """
        INSERT INTO silo_master_keys (cluster_id, address, port, generation, fingerprints) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (cluster_id, address, port, generation) DO UPDATE SET fingerprints = excluded.fingerprints
        """;

    // Rows of silos the membership table no longer lists as alive; ours was just written, so it stays.
    // Orleans' SiloStatus: Joining 2, Active 3, ShuttingDown 4, Stopping 5, Dead 6.
    private const string ForgetGone = """
        DELETE FROM silo_master_keys k
         WHERE k.cluster_id = $1 AND NOT (k.address = $2 AND k.port = $3 AND k.generation = $4)
           AND NOT EXISTS (SELECT 1 FROM orleansmembershiptable m
                            WHERE m.deploymentid = k.cluster_id AND m.address = k.address AND m.port = k.port
                              AND m.generation = k.generation AND m.status < 6)
        """;

    // Joining silos count too: one that lacks the key would refuse to start once the key is current, but a silo
    // that joined between this check and the rotation's commit checks the current key itself at start.
    private const string Lacking = """
        SELECT m.address || ':' || m.port FROM orleansmembershiptable m
         WHERE m.deploymentid = $1 AND m.status < 6 AND m.status >= 2
           AND NOT EXISTS (SELECT 1 FROM silo_master_keys k
                            WHERE k.cluster_id = m.deploymentid AND k.address = m.address AND k.port = m.port
                              AND k.generation = m.generation AND $2 = ANY(k.fingerprints))
         ORDER BY 1
        """;

    /// <summary>Writes the silo's fingerprints (again, after a development run added a key) and forgets silos that are gone.</summary>
    public static async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, SiloKeys silo, CancellationToken ct)
    {
        object[] identity = [silo.ClusterId, silo.Address, silo.Port, silo.Generation];
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands = { Command(Record, [.. identity, silo.Fingerprints]), Command(ForgetGone, identity) },
        };
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The running silos of the cluster (address:port) that have not reported holding <paramref name="fingerprint"/>.</summary>
    public static async Task<IReadOnlyList<string>> LackingAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string clusterId, string fingerprint, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(Lacking, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = clusterId });
        command.Parameters.Add(new NpgsqlParameter { Value = fingerprint });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var silos = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            silos.Add(reader.GetString(0));
        }

        return silos;
    }

    private static NpgsqlBatchCommand Command(string sql, object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
