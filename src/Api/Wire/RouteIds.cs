namespace SecretsStore.Api.Wire;

/// <summary>Ids in paths: 32 hex characters, matched case-insensitively.</summary>
public static class RouteIds
{
    public static bool TryParseAccount(string text, out Guid id) => Guid.TryParseExact(text, "N", out id);

    /// <summary>
    /// A malformed store or secret id becomes the nil id, which nothing ever has: it is then simply not found,
    /// after the same checks (body first) as any other id.
    /// </summary>
    public static Guid Resource(string text) => Guid.TryParseExact(text, "N", out var id) ? id : Guid.Empty;
}
