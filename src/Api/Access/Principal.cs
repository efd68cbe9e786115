using System.Collections.Concurrent;

namespace SecretsStore.Api.Access;

/// <summary>Who a request's credentials name. Each kind may use one kind of route; it never falls through to another.</summary>
public abstract record Principal;

/// <summary>An account token: one account, read or write.</summary>
public sealed record AccountTokenPrincipal(Guid AccountId, Permission Permission, string TokenId) : Principal
{
    /// <summary>Made once with the (cached) principal rather than on every request; derived, so never use <c>with</c>.</summary>
    public Caller Caller { get; } = Caller.Account(Permission, $"token:{TokenId}");
}

/// <summary>A legacy account key: an email and the accounts it was issued for, with write permission.</summary>
public sealed record AccountKeyPrincipal(string Email, IReadOnlySet<Guid> AccountIds) : Principal
{
    public Caller Caller { get; } = Caller.Account(Permission.Write, $"key:{Email}");
}

/// <summary>
/// A platform service: the system routes, in the accounts it is granted (every account for <c>*</c>); its name becomes
/// <c>managed_by</c>.
/// </summary>
public sealed record ServicePrincipal(string Name, IReadOnlyList<string> Scopes, ServiceGrants Grants) : Principal
{
    private readonly ConcurrentDictionary<Guid, Caller> _callers = new();

    /// <summary>The service as the trail names it, acting nowhere: what it is on a route or in an account not its own.</summary>
    public Caller Caller { get; } = Caller.Service(Name, Scopes, AccountGrants.None);

    /// <summary>The platform-wide caller, made once for every account a <c>*</c> service addresses.</summary>
    private Caller Everywhere { get; } = Caller.Service(Name, Scopes, AccountGrants.All);

    /// <summary>
    /// The grain caller this service is in one account, carrying the grant that covers it; null when it is not granted
    /// the account. Made once per account and kept with the (cached) principal, so plain reads share it; only the
    /// accounts it is granted are ever kept.
    /// </summary>
    public Caller? CallerIn(Guid accountId) =>
        Grants.EveryAccount ? Everywhere
        : Grants.Accounts.Contains(accountId) ? _callers.GetOrAdd(accountId, static (id, self) => Caller.Service(self.Name, self.Scopes, AccountGrants.Only(id)), this)
        : null;
}

/// <summary>The operator: the admin routes only.</summary>
public sealed record OperatorPrincipal : Principal
{
    public static readonly OperatorPrincipal Instance = new();
}

public static class PrincipalExtensions
{
    /// <summary>
    /// The grain caller this principal is on an account's system routes, or null when it is not a service. A service not
    /// granted the account gets its caller that acts nowhere, which the account check then answers as a missing account.
    /// </summary>
    public static Caller? AsServiceCaller(this Principal principal, Guid accountId) =>
        principal is ServicePrincipal service ? service.CallerIn(accountId) ?? service.Caller : null;

    /// <summary>
    /// Whether the principal belongs in this account's audit trail: the account's own tokens and keys, a service granted
    /// it, the operator (no tenant's identity). Refusals of anyone else are recorded in the operator's trail only, so no
    /// tenant ever reads another's token id, key email or service name.
    /// </summary>
    public static bool BelongsTo(this Principal principal, Guid accountId) => principal switch
    {
        AccountTokenPrincipal token => token.AccountId == accountId,
        AccountKeyPrincipal key => key.AccountIds.Contains(accountId),
        ServicePrincipal service => service.Grants.Include(accountId),
        _ => true,
    };

    /// <summary>
    /// How the audit trail names this principal when it is refused on a route not meant for it: its own caller, or for
    /// an account key on another account (or the operator) one that names it.
    /// </summary>
    public static Caller AuditCaller(this Principal principal) => principal switch
    {
        AccountTokenPrincipal token => token.Caller,
        AccountKeyPrincipal key => key.Caller,
        ServicePrincipal service => service.Caller,
        _ => Caller.Operator,
    };

    /// <summary>The grain caller this principal is on an account's routes, or null when it may not use them there.</summary>
    public static Caller? AsCallerOn(this Principal principal, Guid accountId) => principal switch
    {
        AccountTokenPrincipal token when token.AccountId == accountId => token.Caller,
        AccountKeyPrincipal key when key.AccountIds.Contains(accountId) => key.Caller,
        _ => null,
    };
}
