
namespace SecretsStore.Api.Audit;

/// <summary>
/// Who an audited request is, for the records the gateway writes itself (its refusals, the admin changes). The access
/// filters set it once they know the principal, only on audited routes; the caller carries the request id.
/// </summary>
/// <param name="Foreign">
/// The principal is foreign to <paramref name="AccountId"/> (another account's token or key, a service not granted it):
/// its records go to the operator's trail only, naming the account they addressed there.
/// </param>
public sealed record AuditScope(Guid? AccountId, Caller Caller, string Action, bool Foreign = false)
{
    public static AuditScope? Of(HttpContext http) => http.Features.Get<AuditScope>();

    /// <summary>The audited action of the route this request matched, or null when the route is not audited.</summary>
    public static string? ActionOf(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<AuditedAction>()?.Action;

    public AuditRecord Allowed(DateTime at, int status = 200) => InTrail(AuditRecord.Allowed(at, AccountId, Caller, Action, status));

    public AuditRecord Refused(DateTime at, int status, int code, string message) =>
        InTrail(new(at, AccountId, Caller.PrincipalId, Action, status, code, Token(message), null, null, null, null, Caller.RequestId));

    private AuditRecord InTrail(AuditRecord record) => Foreign ? record.Foreign() : record;

    /// <summary>Only the error token: a detail could quote what the request sent.</summary>
    private static string Token(string message) => message.IndexOf(": ", StringComparison.Ordinal) is var at and >= 0 ? message[..at] : message;
}
