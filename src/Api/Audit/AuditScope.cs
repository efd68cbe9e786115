using Microsoft.AspNetCore.Http.Features;

namespace SecretsStore.Api.Audit;

/// <summary>
/// An audited request, as the gateway knows it: the <see cref="AuditedRequest"/> its grain calls carry, the caller its
/// records name, and whose trail they belong in. The access filters open it once they know the principal, only on
/// audited routes, and run the rest of the route inside it (<see cref="RunAsync"/>); the gateway's own records (its
/// refusals, the admin changes) are made from it.
/// </summary>
/// <param name="Foreign">
/// The principal is foreign to the account the request addressed (another account's token or key, a service not
/// granted it): its records go to the operator's trail only, naming the account they addressed there.
/// </param>
public sealed record AuditScope(AuditedRequest Request, Caller Caller, bool Foreign = false)
{
    public Guid? AccountId => Request.AccountId;

    public static AuditScope? Of(HttpContext http) => http.Features.Get<AuditScope>();

    /// <summary>The audited action of the route this request matched, or null when the route is not audited.</summary>
    public static string? ActionOf(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<AuditedAction>()?.Action;

    /// <summary>
    /// Opens the audited request of <paramref name="http"/>, made once: its id (<see cref="RequestIds"/>, sent back as
    /// <c>x-request-id</c>), first attempt, the caller's principal, the account, the route's action, and the time.
    /// </summary>
    public static AuditScope Open(HttpContext http, Guid? accountId, Caller caller, string action, DateTime at, bool foreign = false)
    {
        var request = new AuditedRequest(
            RequestIds.Of(http), 1, caller.PrincipalId, accountId, action, at, http.Request.Method, TargetOf(http));
        var scope = new AuditScope(request, caller, foreign);
        http.Features.Set(scope);
        return scope;
    }

    /// <summary>
    /// The request's target (path and query) as the client sent it: Kestrel's own string of the request line, so the
    /// records reference it and copy nothing; rebuilt from the decoded parts only on a server that keeps no raw target.
    /// </summary>
    private static string TargetOf(HttpContext http) =>
        http.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw
            ? raw
            : $"{http.Request.PathBase}{http.Request.Path}{http.Request.QueryString}";

    /// <summary>This scope, for the account an admin route turned out to name.</summary>
    public AuditScope In(HttpContext http, Guid accountId)
    {
        var scope = this with { Request = Request with { AccountId = accountId } };
        http.Features.Set(scope);
        return scope;
    }

    /// <summary>
    /// Runs the rest of the route with <see cref="Request"/> in Orleans' request context, so every grain call it makes
    /// carries it. Orleans copies the context into each call's message as the call is sent, from the flow that sends
    /// it: the handler's flow, which starts here. An async method's changes to the context end with it, and the entry
    /// is removed besides, so nothing after the route (or a later request on the connection) carries it.
    /// </summary>
    public async ValueTask<object?> RunAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        Request.Enter();
        try
        {
            return await next(context);
        }
        finally
        {
            AuditedRequest.Leave();
        }
    }

    /// <summary>
    /// This request's record: allowed (a repository writes it with the change), or the refusal the gateway answers
    /// (<see cref="AuditedRefusals"/> appends it).
    /// </summary>
    /// <param name="idempotency">The request's key, where the record is made outside the request's flow (its refusals).</param>
    public AuditRecord Record(DateTime at, StoreError? refusal = null, IdempotentRequest? idempotency = null) =>
        AuditRecord.Of(
            at, AccountId, Caller, Request.RequestId, Request.Action, refusal, foreign: Foreign,
            idempotency: idempotency ?? IdempotentRequest.Current, request: Request);
}
