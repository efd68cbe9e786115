namespace SecretsStore.Grains.Abstractions;

/// <summary>What kind of principal is calling a grain.</summary>
public enum CallerKind
{
    /// <summary>An account token or account key, bound to one account.</summary>
    Account = 0,

    /// <summary>A platform service acting through the system routes.</summary>
    Service = 1,

    /// <summary>The operator, through the admin routes.</summary>
    Operator = 2,
}

/// <summary>What an account principal may do.</summary>
public enum Permission
{
    Read = 0,
    Write = 1,
}

/// <summary>
/// Who is calling: the principal, nothing of the request. Every grain call that reads or changes a store carries one,
/// and the grain — not only the gateway — decides whether the call is allowed. A principal's caller is made once and
/// shared by all its calls; what one request adds (its id, a repeat) travels beside it in <see cref="AuditedRequest"/>.
/// </summary>
/// <param name="Kind">Account principal, service or operator.</param>
/// <param name="Permission">For account principals, read or write; services always write.</param>
/// <param name="ServiceName">For services, the name that becomes <c>managed_by</c>.</param>
/// <param name="PrincipalId">
/// <c>token:ID</c>, <c>key:EMAIL</c>, <c>service:NAME</c> or <c>operator</c>: who the audit trail names (never a secret).
/// </param>
[GenerateSerializer, Immutable, Alias("SecretsStore.Caller")]
public sealed record Caller(
    [property: Id(0)] CallerKind Kind,
    [property: Id(1)] Permission Permission,
    [property: Id(2)] string? ServiceName,
    [property: Id(3)] string PrincipalId)
{
    /// <summary>For services, the scopes whose secrets it may read the values of (as a Worker reads secrets scoped <c>workers</c>).</summary>
    [Id(4)]
    public IReadOnlyList<string> ConsumerScopes { get; init; } = [];

    // Ids 5 and 6 carried the request id and the repeat mark until the audited request moved to Orleans' request
    // context (AuditedRequest): never reuse them, a silo of the previous version still reads them.

    /// <summary>
    /// For services, the accounts it may act in: the gateway checks them, and the grains check them again. None by
    /// default, so a service caller that carries no grant is refused everywhere (<c>account_not_found</c>).
    /// </summary>
    [Id(7)]
    public AccountGrants Accounts { get; init; } = AccountGrants.None;

    public static Caller Account(Permission permission, string principalId) =>
        new(CallerKind.Account, permission, null, principalId);

    public static Caller Service(string name, IReadOnlyList<string>? consumerScopes, AccountGrants accounts) =>
        new(CallerKind.Service, Permission.Write, name, $"service:{name}") { ConsumerScopes = consumerScopes ?? [], Accounts = accounts };

    /// <summary>The operator: one caller for all its calls.</summary>
    public static Caller Operator { get; } = new(CallerKind.Operator, Permission.Write, null, "operator");

    public bool CanWrite => Permission == Permission.Write;

    /// <summary>
    /// Whether this caller may act in the account at all. Account principals are bound to their account by the gateway
    /// (a grain never sees one on another account's path); a service must be granted the account.
    /// </summary>
    public bool ActsIn(Guid accountId) => Kind != CallerKind.Service || Accounts.Include(accountId);
}
