using SecretsStore.Grains.Abstractions.Audit;

namespace SecretsStore.Api.Audit;

/// <summary>
/// Who an audited request is, for the records the gateway writes itself (its refusals, the admin changes). The access
/// filters set it once they know the principal, only on audited routes; the caller carries the request id.
/// </summary>
public sealed record AuditScope(Guid? AccountId, Caller Caller, string Action)
{
    public static AuditScope? Of(HttpContext http) => http.Features.Get<AuditScope>();

    /// <summary>The audited action of the route this request matched, or null when the route is not audited.</summary>
    public static string? ActionOf(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<AuditedAction>()?.Action;

    public AuditRecord Allowed(DateTime at, int status = 200) => AuditRecord.Allowed(at, AccountId, Caller, Action, status);

    public AuditRecord Refused(DateTime at, int status, int code, string message) =>
        new(at, AccountId, Caller.PrincipalId, Action, status, code, Token(message), null, null, null, null, Caller.RequestId);

    /// <summary>Only the error token: a detail could quote what the request sent.</summary>
    private static string Token(string message) => message.IndexOf(": ", StringComparison.Ordinal) is var at and >= 0 ? message[..at] : message;
}
