using Npgsql;

namespace SecretsStore.Persistence;

/// <summary>
/// Every connection pool a process opens to PostgreSQL, each bounded, so that the total per process is known:
/// <see cref="DatabaseOptions.MaxPoolSize"/> for the service's own data source, plus
/// <see cref="OrleansStoragePoolSize"/> and <see cref="OrleansClusteringPoolSize"/> for Orleans' ADO.NET providers.
/// </summary>
public static class DatabaseConnections
{
    /// <summary>Orleans grain storage holds only small account rows, written when a service first names an account.</summary>
    public const int OrleansStoragePoolSize = 4;

    /// <summary>Membership reads and heartbeats: a few statements every few seconds.</summary>
    public const int OrleansClusteringPoolSize = 4;

    /// <summary>The most connections one process opens: the service's pool plus Orleans' two.</summary>
    public static int PerProcess(DatabaseOptions options) => options.MaxPoolSize + OrleansStoragePoolSize + OrleansClusteringPoolSize;

    /// <summary>
    /// The service's own data source: credentials, store loads and the group commit (which needs one connection
    /// for all of a silo's writes). Statements are prepared once per connection and reused, unless
    /// <see cref="DatabaseOptions.PreparedStatements"/> is off (a pooler that cannot keep them).
    /// </summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString, DatabaseOptions options)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.MaxPoolSize = options.MaxPoolSize;
        builder.ConnectionStringBuilder.MaxAutoPrepare = options.PreparedStatements ? 32 : 0;
        builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        return builder.Build();
    }

    /// <summary>The connection string an Orleans provider gets: the same database, its own bounded pool.</summary>
    public static string ForOrleans(string connectionString, int maxPoolSize) =>
        new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = maxPoolSize, MinPoolSize = 0 }.ConnectionString;
}
