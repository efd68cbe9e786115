using SecretsStore.Grains.Abstractions;

namespace SecretsStore.Persistence.Access;

/// <summary>
/// The accounts a service is granted, as stored (migration 0009): every account, and the accounts granted one by one.
/// A service made with <c>["*"]</c> has only the first; while it holds it, accounts granted one by one add nothing, but
/// they are what it keeps when every account is revoked, which is how an operator narrows a platform-wide service.
/// </summary>
public sealed record ServiceGrants(bool EveryAccount, IReadOnlySet<Guid> Accounts)
{
    public static readonly ServiceGrants None = new(false, new HashSet<Guid>());

    public bool Include(Guid accountId) => EveryAccount || Accounts.Contains(accountId);

    /// <summary>As the admin routes write them: <c>*</c> first when granted, then the account ids in order.</summary>
    public IReadOnlyList<string> ToWire() =>
        [.. EveryAccount ? [AccountGrants.EveryAccount] : Array.Empty<string>(), .. Accounts.Select(a => a.ToString("N")).Order(StringComparer.Ordinal)];

    /// <summary>The grant a caller carries into the grains for one account it addresses (none when not granted).</summary>
    public AccountGrants For(Guid accountId) =>
        EveryAccount ? AccountGrants.All : Accounts.Contains(accountId) ? AccountGrants.Only(accountId) : AccountGrants.None;
}
