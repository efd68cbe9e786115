using SecretsStore.Grains.Abstractions;

namespace SecretsStore.Api.Access;

/// <summary>Who a request's credentials name. Each kind may use one kind of route; it never falls through to another.</summary>
public abstract record Principal;

/// <summary>An account token: one account, read or write.</summary>
public sealed record AccountTokenPrincipal(Guid AccountId, Permission Permission, string TokenId) : Principal;

/// <summary>A legacy account key: an email and the accounts it was issued for, with write permission.</summary>
public sealed record AccountKeyPrincipal(string Email, IReadOnlySet<Guid> AccountIds) : Principal;

/// <summary>A platform service: the system routes, for any account; its name becomes <c>managed_by</c>.</summary>
public sealed record ServicePrincipal(string Name, IReadOnlyList<string> Scopes) : Principal;

/// <summary>The operator: the admin routes only.</summary>
public sealed record OperatorPrincipal : Principal
{
    public static readonly OperatorPrincipal Instance = new();
}

public static class PrincipalExtensions
{
    /// <summary>The grain caller this principal is on the system routes, or null when it is not a service.</summary>
    public static Caller? AsServiceCaller(this Principal principal) =>
        principal is ServicePrincipal service ? Caller.Service(service.Name) : null;

    /// <summary>The grain caller this principal is on an account's routes, or null when it may not use them there.</summary>
    public static Caller? AsCallerOn(this Principal principal, Guid accountId) => principal switch
    {
        AccountTokenPrincipal token when token.AccountId == accountId => Caller.Account(token.Permission, $"token:{token.TokenId}"),
        AccountKeyPrincipal key when key.AccountIds.Contains(accountId) => Caller.Account(Permission.Write, $"key:{key.Email}"),
        _ => null,
    };
}
