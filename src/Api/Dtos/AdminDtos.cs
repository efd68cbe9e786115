
namespace SecretsStore.Api.Dtos;

// What the operator's routes answer (docs/access.md, "The operator's routes"). They are shapes of the wire, made
// from the repositories' records and grain views, so that a column added to a table never leaks onto the wire.

/// <summary>An account.</summary>
public sealed record AdminAccountDto(string Id, string Name, DateTime Created)
{
    public static AdminAccountDto From(AccountRecord a) => new(a.Id, a.Name, a.Created);
}

/// <summary>An account token as listed: never its value.</summary>
public sealed record AdminTokenDto(string Id, string Name, string Permission, DateTime Created)
{
    public static AdminTokenDto From(TokenRecord t) => new(t.Id, t.Name, t.Permission, t.Created);
}

/// <summary>An account key as listed: its email, never the key.</summary>
public sealed record AdminKeyDto(string Email, DateTime Created)
{
    public static AdminKeyDto From(KeyRecord k) => new(k.Email, k.Created);
}

/// <summary>A service as listed: never its token.</summary>
/// <param name="Accounts">
/// The account ids it may act in; <c>*</c> (listed first) for every account. While it has <c>*</c>, ids also listed are
/// what it keeps if every account is revoked.
/// </param>
public sealed record AdminServiceDto(string Name, IReadOnlyList<string> Scopes, IReadOnlyList<string> Accounts, DateTime Created)
{
    public static AdminServiceDto From(ServiceRecord s) => new(s.Name, s.Scopes, s.Grants.ToWire(), s.Created);
}

/// <summary>The quota object as the operator sees it: each half also says whether the account has its own limit.</summary>
public sealed record AdminQuotaDto(AdminQuotaCounter Secrets, AdminQuotaCounter Stores)
{
    public static AdminQuotaDto From(QuotaView q) =>
        new(new(q.SecretsQuota, q.SecretsUsage, q.SecretsOverride), new(q.StoresQuota, q.StoresUsage, q.StoresOverride));
}

/// <param name="Quota">The limit in force.</param>
/// <param name="Override">The account's own limit; null when the deployment's default is in force.</param>
public sealed record AdminQuotaCounter(int Quota, int Usage, int? Override);

/// <summary>The value of a new token, shown this once.</summary>
public sealed record CreatedToken(string Id, string Token)
{
    /// <summary>Prints the token as a mask: it is shown once, in the answer, and nowhere else.</summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Id = ").Append(Id).Append(", Token = ").Append(Redacted.Mask);
        return true;
    }
}

/// <summary>The value of a new account key, shown this once.</summary>
public sealed record CreatedKey(string Email, string Key)
{
    /// <summary>Prints the key as a mask: it is shown once, in the answer, and nowhere else.</summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Email = ").Append(Email).Append(", Key = ").Append(Redacted.Mask);
        return true;
    }
}

/// <summary>A master key on the wire: its fingerprint and state, never the key.</summary>
public sealed record MasterKeyDto(string Fingerprint, string State, long Stores, bool Configured, DateTime? BecameCurrent, DateTime? Retired)
{
    public static MasterKeyDto From(MasterKeyView k) => new(k.Fingerprint, k.State, k.Stores, k.Configured, k.BecameCurrent, k.Retired);
}

/// <summary>A service's token, shown this once.</summary>
public sealed record CreatedService(string Name, string Token)
{
    /// <summary>Prints the token as a mask: it is shown once, in the answer, and nowhere else.</summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Name = ").Append(Name).Append(", Token = ").Append(Redacted.Mask);
        return true;
    }
}
