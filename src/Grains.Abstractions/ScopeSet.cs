namespace SecretsStore.Grains.Abstractions;

/// <summary>The scope names a deployment accepts, and the canonical form of a secret's scopes.</summary>
public sealed class ScopeSet(IEnumerable<string> allowed)
{
    public static readonly IReadOnlyList<string> Defaults =
        ["workers", "ai_gateway", "dex", "access", "containers", "websearch"];

    private readonly HashSet<string> _allowed = Validate(allowed);

    /// <summary>The accepted names in the order configured, as refusals list them.</summary>
    public IReadOnlyList<string> Names { get; } = allowed.Distinct(StringComparer.Ordinal).ToList();

    public bool IsAllowed(string scope) => _allowed.Contains(scope);

    /// <summary>
    /// Scope names are tokens: lists accept them comma-separated (<c>scopes=a,b</c>) and storage keeps them the same
    /// way, so a configured name with a comma (or an empty one) is a configuration error.
    /// </summary>
    private static HashSet<string> Validate(IEnumerable<string> allowed)
    {
        var set = new HashSet<string>(allowed, StringComparer.Ordinal);
        if (Problem(set) is { } problem)
        {
            throw new ArgumentException(problem);
        }

        return set;
    }

    /// <summary>Why these names cannot be a deployment's scopes, or null if they can: what the options' checks report.</summary>
    public static string? Problem(IEnumerable<string> names) =>
        names.FirstOrDefault(s => s.Length == 0 || s.Contains(',')) is { } bad
            ? $"The scope name '{bad}' is not allowed: scope names must be non-empty and hold no comma."
            : null;

    /// <summary>Sorted ascending (ordinal), duplicates removed: how scopes are stored and shown.</summary>
    public static string[] Canonical(IEnumerable<string> scopes) =>
        scopes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
}
