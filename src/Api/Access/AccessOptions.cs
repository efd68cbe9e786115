namespace SecretsStore.Api.Access;

/// <summary>Bound from the <c>SecretsStore</c> section.</summary>
public sealed class AccessOptions
{
    /// <summary>The operator's bearer token for the admin routes (<c>SecretsStore:AdminToken</c>).</summary>
    public string? AdminToken { get; set; }

    /// <summary>How long a looked-up credential is trusted before it is looked up again: the bound on revocation delay.</summary>
    public TimeSpan CredentialCacheDuration { get; set; } = TimeSpan.FromSeconds(5);
}
