using System.Globalization;
using SecretsStore.Api.Audit;

namespace SecretsStore.Api.Dtos;

/// <summary>An audit record on the wire. It has no field that could hold a value or a credential.</summary>
/// <param name="AddressedAccountId">
/// Set only in the operator's trail, on a refusal of a principal foreign to the account it addressed (another account's
/// token or key, a service not granted it): that account, whose own trail does not hold the record.
/// </param>
/// <param name="Method">The request's HTTP method; null on records older than migration 0014 or made by no request.</param>
/// <param name="Uri">The request's path and query as received; null as <paramref name="Method"/> is.</param>
/// <param name="ValueModified">True on a secret update that carried a value; null otherwise.</param>
public sealed record AuditRecordDto(
    string Id,
    DateTime Time,
    string? AccountId,
    string? AddressedAccountId,
    string Principal,
    string Action,
    string Outcome,
    int Status,
    int? Code,
    string? Error,
    string? StoreId,
    string? StoreName,
    string? SecretId,
    string? SecretName,
    string? SourceSecretId,
    string? Subject,
    string RequestId,
    string? Method,
    string? Uri,
    bool? ValueModified)
{
    public static AuditRecordDto From(StoredAuditRecord stored)
    {
        var r = stored.Record;
        return new AuditRecordDto(
            stored.Seq.ToString(CultureInfo.InvariantCulture), r.At, Hex(r.AccountId), Hex(r.AddressedAccountId), r.Principal, r.Action,
            r.IsAllowed ? "allowed" : "refused", r.Status, r.Code, r.Error, Hex(r.StoreId), r.StoreName, Hex(r.SecretId), r.SecretName,
            Hex(r.SourceSecretId), r.Subject, r.RequestId, r.Method, r.Uri, r.ValueModified ? true : null);
    }

    private static string? Hex(Guid? id) => id?.ToString("N");
}
