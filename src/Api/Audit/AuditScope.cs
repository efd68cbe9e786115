
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

    /// <summary>
    /// This request's record: allowed (a repository writes it with the change), or the refusal the gateway answers
    /// (<see cref="AuditedRefusals"/> appends it).
    /// </summary>
    /// <param name="idempotency">The request's key, where the record is made outside the request's flow (its refusals).</param>
    public AuditRecord Record(DateTime at, StoreError? refusal = null, IdempotentRequest? idempotency = null) =>
        AuditRecord.Of(at, AccountId, Caller, Action, refusal, foreign: Foreign, idempotency: idempotency ?? IdempotentRequest.Current);
}
