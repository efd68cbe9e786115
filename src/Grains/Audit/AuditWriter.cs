using Npgsql;
using SecretsStore.Grains.Abstractions.Audit;

namespace SecretsStore.Grains.Audit;

/// <summary>
/// Appends records on their own, for what is decided outside a commit: the account grain's refusals. Changes never
/// come here; their records ride in the change's own transaction.
/// </summary>
public sealed class AuditWriter(NpgsqlDataSource db)
{
    public async Task AppendAsync(params AuditRecord[] records)
    {
        await using var command = db.CreateCommand(AuditTable.Insert);
        foreach (var value in AuditTable.Parameters(records))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The statement that appends <paramref name="records"/>, for a batch that commits them with a change.</summary>
    public static NpgsqlBatchCommand Command(params AuditRecord[] records)
    {
        var command = new NpgsqlBatchCommand(AuditTable.Insert);
        foreach (var value in AuditTable.Parameters(records))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
