using Npgsql;

namespace SecretsStore.Persistence;

/// <summary>One statement of a batch, its positional parameters ($1, $2, …) in order.</summary>
public static class BatchStatement
{
    /// <remarks>Parameters carry no declared type: Npgsql infers each from its value, arrays included.</remarks>
    public static NpgsqlBatchCommand Of(string sql, params object[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
