namespace SecretsStore.Persistence;

/// <summary>Database settings (<c>SecretsStore:Database</c>).</summary>
public sealed class DatabaseOptions
{
    public const string Section = "SecretsStore:Database";

    /// <summary>Connections in the service's own pool; requests beyond it wait for one instead of failing.</summary>
    public int MaxPoolSize { get; set; } = 20;
}
