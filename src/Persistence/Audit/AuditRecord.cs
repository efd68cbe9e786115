using SecretsStore.Grains.Abstractions;

namespace SecretsStore.Persistence.Audit;

/// <summary>
/// One line of the audit trail: who did what to which store and secret, and whether it was allowed. It holds names
/// and ids, never a value or a credential; a refusal keeps only its error token (<c>secret_not_found</c>), not the
/// detail after it, so no request content reaches the trail.
/// </summary>
/// <param name="AccountId">
/// The account whose trail holds the record: the account the request addressed, or null for operator changes that
/// belong to no account (services, master keys) and for refusals of a principal foreign to the addressed account.
/// </param>
/// <param name="Principal"><c>token:ID</c>, <c>key:EMAIL</c>, <c>service:NAME</c> or <c>operator</c>.</param>
/// <param name="Action">One of <see cref="AuditActions"/>.</param>
/// <param name="Status">The HTTP status the request was answered with.</param>
/// <param name="Code">The error code of a refusal (docs/api.md, "Errors"); null when allowed.</param>
/// <param name="Error">The error token of a refusal; null when allowed.</param>
/// <param name="SourceSecretId">For a duplicate, the secret whose value was copied.</param>
/// <param name="Subject">For credential changes, the credential: <c>token:ID</c>, <c>key:EMAIL</c> or <c>service:NAME</c>.</param>
/// <param name="AddressedAccountId">
/// For a refusal of a principal foreign to the account it addressed (another account's token or key, a service not
/// granted the account), that account: the record is the operator's alone, so no tenant reads another's identity.
/// </param>
public sealed record AuditRecord(
    DateTime At,
    Guid? AccountId,
    string Principal,
    string Action,
    int Status,
    int? Code,
    string? Error,
    Guid? StoreId,
    string? StoreName,
    Guid? SecretId,
    string? SecretName,
    string RequestId,
    Guid? SourceSecretId = null,
    string? Subject = null,
    Guid? AddressedAccountId = null)
{
    public bool IsAllowed => Code is null;

    public static AuditRecord Allowed(DateTime at, Guid? accountId, Caller caller, string action, int status = 200) =>
        new(at, accountId, caller.PrincipalId, action, status, null, null, null, null, null, null, caller.RequestId);

    /// <summary>A refusal; kept from the addressed account's trail when the caller is a service not granted it.</summary>
    public static AuditRecord Refused(DateTime at, Guid? accountId, Caller caller, string action, StoreError error)
    {
        var (status, code) = error.Wire;
        var record = new AuditRecord(at, accountId, caller.PrincipalId, action, status, code, error.Token, null, null, null, null, caller.RequestId);
        return accountId is { } addressed && !caller.ActsIn(addressed) ? record.Foreign() : record;
    }

    /// <summary>This record in the operator's trail only, naming the account it addressed there.</summary>
    public AuditRecord Foreign() => this with { AccountId = null, AddressedAccountId = AccountId ?? AddressedAccountId };

    public static AuditRecord Of(DateTime at, Guid? accountId, Caller caller, string action, StoreError? error, int status = 200) =>
        error is null ? Allowed(at, accountId, caller, action, status) : Refused(at, accountId, caller, action, error);

    public AuditRecord OnStore(Guid? storeId, string? storeName) => this with { StoreId = storeId, StoreName = storeName };

    public AuditRecord WithSubject(string subject) => this with { Subject = subject };

    public AuditRecord OnSecret(Guid? secretId, string? secretName) => this with { SecretId = secretId, SecretName = secretName };
}
