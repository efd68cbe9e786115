namespace SecretsStore.Grains;

/// <summary>Deployment settings of the store rules, bound from the <c>SecretsStore</c> configuration section.</summary>
public sealed class SecretsStoreOptions
{
    public const string Section = "SecretsStore";

    /// <summary>Scope names secrets may carry; null means the Cloudflare defaults.</summary>
    public string[]? Scopes { get; set; }

    public QuotaDefaults Quota { get; set; } = new();

    public StorageOptions Storage { get; set; } = new();
}

/// <summary>How writes are grouped into commits (<c>SecretsStore:Storage</c>).</summary>
public sealed class StorageOptions
{
    /// <summary>The most stores one commit transaction carries; the rest wait for the next one.</summary>
    public int MaxStoresPerCommit { get; set; } = 256;

    /// <summary>The most requests of one store committed together; the rest wait for the store's next commit.</summary>
    public int MaxRequestsPerCommit { get; set; } = 256;
}

/// <summary>Default limits per account, as Cloudflare's open beta: 1 store, 100 secrets.</summary>
public sealed class QuotaDefaults
{
    public int Secrets { get; set; } = 100;
    public int Stores { get; set; } = 1;
}
