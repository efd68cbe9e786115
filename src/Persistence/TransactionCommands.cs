using System.Data.Common;

namespace SecretsStore.Persistence;

/// <summary>
/// Commands on a connection inside a transaction, with named parameters: what the migrator and the runtime role's
/// grants (both run as the owner, one migration's transaction at a time) need, and nothing of any one driver.
/// </summary>
internal static class TransactionCommands
{
    public static DbCommand Create(DbConnection connection, DbTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    public static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken ct)
    {
        await using var command = Create(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(ct);
    }
}
