namespace SecretsStore.Persistence;

/// <summary>Database settings (<c>SecretsStore:Database</c>).</summary>
public sealed class DatabaseOptions
{
    public const string Section = "SecretsStore:Database";

    /// <summary>Connections in the service's own pool; requests beyond it wait for one instead of failing.</summary>
    public int MaxPoolSize { get; set; } = 20;

    /// <summary>
    /// Whether the service's statements are prepared on each server connection and reused (Npgsql's automatic
    /// preparation). Turn it off behind a pooler in transaction mode that does not track protocol-level prepared
    /// statements (PgBouncer before 1.21, or without <c>max_prepared_statements</c>): a statement prepared on one
    /// server connection would be missing on the next (deploy/README.md, "PgBouncer").
    /// </summary>
    public bool PreparedStatements { get; set; } = true;
}
