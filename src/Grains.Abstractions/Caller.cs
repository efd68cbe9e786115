namespace SecretsStore.Grains.Abstractions;

/// <summary>What kind of principal is calling a grain.</summary>
public enum CallerKind
{
    /// <summary>An account token or account key, bound to one account.</summary>
    Account = 0,

    /// <summary>A platform service acting through the system routes.</summary>
    Service = 1,
}

/// <summary>What an account principal may do.</summary>
public enum Permission
{
    Read = 0,
    Write = 1,
}

/// <summary>
/// Who is calling. Every grain call that reads or changes a store carries one, and the grain — not only
/// the gateway — decides whether the call is allowed.
/// </summary>
/// <param name="Kind">Account principal or service.</param>
/// <param name="Permission">For account principals, read or write; services always write.</param>
/// <param name="ServiceName">For services, the name that becomes <c>managed_by</c>.</param>
/// <param name="PrincipalId">Token id, key email or service name, for audit and logs (never a secret).</param>
[GenerateSerializer, Immutable, Alias("SecretsStore.Caller")]
public sealed record Caller(
    [property: Id(0)] CallerKind Kind,
    [property: Id(1)] Permission Permission,
    [property: Id(2)] string? ServiceName,
    [property: Id(3)] string PrincipalId)
{
    public static Caller Account(Permission permission, string principalId) =>
        new(CallerKind.Account, permission, null, principalId);

    public static Caller Service(string name) => new(CallerKind.Service, Permission.Write, name, name);

    public bool CanWrite => Permission == Permission.Write;
}
