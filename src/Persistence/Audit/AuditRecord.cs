using SecretsStore.Grains.Abstractions;

namespace SecretsStore.Persistence.Audit;

/// <summary>
/// One line of the audit trail: who did what to which store and secret, and whether it was allowed. It holds names
/// and ids, never a value or a credential; a refusal keeps only its error token (<c>secret_not_found</c>), not the
/// detail after it, so of the request only its method and target (path and query, which no route uses for a value or
/// a credential) reach the trail.
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
/// <param name="Idempotency">For a write sent with an <c>Idempotency-Key</c>, the hashes of its key and of the request.</param>
/// <param name="Method">The HTTP method of the request (<see cref="AuditedRequest.Method"/>); null for a record no HTTP request made, and on rows older than migration 0014.</param>
/// <param name="Uri">The request's path and query as received (<see cref="AuditedRequest.Uri"/>); null as <paramref name="Method"/> is.</param>
/// <param name="ValueModified">True on a secret update that carried a value (a PATCH with <c>value</c>), as Cloudflare marks it.</param>
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
    Guid? AddressedAccountId = null,
    IdempotentRequest? Idempotency = null,
    string? Method = null,
    string? Uri = null,
    bool ValueModified = false)
{
    public bool IsAllowed => Code is null;

    /// <summary>
    /// Every record of a request is made here: allowed (<paramref name="error"/> null, answered with
    /// <paramref name="allowedStatus"/>) or refused, keeping only the refusal's error token. A principal foreign to the
    /// account it addressed (<paramref name="foreign"/>: another account's token or key, as only the gateway can tell;
    /// or a service not granted the account) is recorded in the operator's trail only, naming that account there.
    /// <paramref name="requestId"/> is the audited request's id (<see cref="AuditedRequest"/>; empty for a call that is
    /// not audited). <paramref name="idempotency"/> is the request's key, if it was sent with one: the caller passes
    /// <see cref="IdempotentRequest.Current"/> where the record is made in the request's own flow. <paramref name="request"/>
    /// is the audited request the record serves, if any: the record keeps its method and URI (the same strings, no copy).
    /// </summary>
    /// <remarks>Made in one allocation: a create makes one of these per secret, inside its commit.</remarks>
    public static AuditRecord Of(
        DateTime at, Guid? accountId, Caller caller, string requestId, string action, StoreError? error, int allowedStatus = 200, bool foreign = false,
        Guid? storeId = null, string? storeName = null, Guid? secretId = null, string? secretName = null,
        IdempotentRequest? idempotency = null, AuditedRequest? request = null)
    {
        var (status, code) = error?.Wire ?? (allowedStatus, 0);
        var elsewhere = foreign || accountId is { } addressed && !caller.ActsIn(addressed);
        return new AuditRecord(
            at, elsewhere ? null : accountId, caller.PrincipalId, action, status, error is null ? null : code, error?.Token,
            storeId, storeName, secretId, secretName, requestId, AddressedAccountId: elsewhere ? accountId : null,
            Idempotency: idempotency, Method: request?.Method, Uri: request?.Uri);
    }

    public AuditRecord WithSubject(string subject) => this with { Subject = subject };
}
