namespace SecretsStore.Grains.Abstractions;

/// <summary>The scope names a deployment accepts, and the canonical form of a secret's scopes.</summary>
public sealed class ScopeSet(IEnumerable<string> allowed)
{
    public static readonly IReadOnlyList<string> Defaults =
        ["workers", "ai_gateway", "dex", "access", "containers", "websearch"];

    private readonly HashSet<string> _allowed = new(allowed, StringComparer.Ordinal);

    public bool IsAllowed(string scope) => _allowed.Contains(scope);

    /// <summary>Sorted ascending (ordinal), duplicates removed: how scopes are stored and shown.</summary>
    public static string[] Canonical(IEnumerable<string> scopes) =>
        scopes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
}
