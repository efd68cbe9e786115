
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

/// <summary>A platform service: the system routes, for any account; its name becomes <c>managed_by</c>.</summary>
public sealed record ServicePrincipal(string Name, IReadOnlyList<string> Scopes) : Principal
{
    public Caller Caller { get; } = Caller.Service(Name, Scopes);
}

/// <summary>The operator: the admin routes only.</summary>
public sealed record OperatorPrincipal : Principal
{
    public static readonly OperatorPrincipal Instance = new();
}

public static class PrincipalExtensions
{
    /// <summary>The grain caller this principal is on the system routes, or null when it is not a service.</summary>
    public static Caller? AsServiceCaller(this Principal principal) =>
        principal is ServicePrincipal service ? service.Caller : null;

    /// <summary>
    /// How the audit trail names this principal when it is refused on a route not meant for it: its own caller, or for
    /// an account key on another account (or the operator) one that names it.
    /// </summary>
    public static Caller AuditCaller(this Principal principal) => principal switch
    {
        AccountTokenPrincipal token => token.Caller,
        AccountKeyPrincipal key => key.Caller,
        ServicePrincipal service => service.Caller,
        _ => Caller.Operator(""),
    };

    /// <summary>The grain caller this principal is on an account's routes, or null when it may not use them there.</summary>
    public static Caller? AsCallerOn(this Principal principal, Guid accountId) => principal switch
    {
        AccountTokenPrincipal token when token.AccountId == accountId => token.Caller,
        AccountKeyPrincipal key when key.AccountIds.Contains(accountId) => key.Caller,
        _ => null,
    };
}
