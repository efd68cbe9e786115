using Orleans.Runtime;

namespace SecretsStore.Grains.Abstractions;

/// <summary>
/// One audited request, as the gateway's access filters admitted it: the id the trail and the answer's
/// <c>x-request-id</c> carry, which send of a grain call this is, who asked, in which account, for what, and when. The
/// gateway puts it in Orleans' <see cref="RequestContext"/> around the request's grain calls, so no grain signature
/// carries it and a silo of the previous version simply ignores it; grains read it with <see cref="Of"/>.
/// </summary>
/// <param name="RequestId">Random, made by the gateway; every record of the request carries it.</param>
/// <param name="Attempt">
/// 1 for the call as first sent. A call the gateway sends again after its answer was lost carries the number of that
/// send (2, 3…): an earlier send may have committed, so the grain resolves it by <paramref name="RequestId"/> first
/// (<see cref="AnsweredOnceAttribute"/>).
/// </param>
/// <param name="PrincipalId">The principal the request is audited as (<see cref="Caller.PrincipalId"/>).</param>
/// <param name="AccountId">The account the request addressed; null on operator routes that name none.</param>
/// <param name="Action">The route's audited action (one of the trail's actions).</param>
/// <param name="At">When the gateway admitted it (UTC): a first run cannot have committed before.</param>
/// <param name="Method">The request's HTTP method, as received; null where no HTTP request is behind the call.</param>
/// <param name="Uri">
/// The request's target as received (path and query, never a header or body: no route takes a value or credential in
/// its query). The very string the server parsed, so each record references it rather than copying it. Null where no
/// HTTP request is behind the call. Both are serialized under new ids, so a silo of the previous version ignores them.
/// </param>
[GenerateSerializer, Immutable, Alias("SecretsStore.AuditedRequest")]
public sealed record AuditedRequest(
    [property: Id(0)] string RequestId,
    [property: Id(1)] int Attempt,
    [property: Id(2)] string PrincipalId,
    [property: Id(3)] Guid? AccountId,
    [property: Id(4)] string Action,
    [property: Id(5)] DateTime At,
    [property: Id(6)] string? Method = null,
    [property: Id(7)] string? Uri = null)
{
    private const string ContextKey = "secretsstore.request";

    /// <summary>An earlier send of this call may have committed: answer from what it did, if anything.</summary>
    public bool Repeats => Attempt > 1;

    /// <summary>The audited request of the current flow (a gateway's request, a grain call's turn), or null.</summary>
    public static AuditedRequest? Current => RequestContext.Get(ContextKey) as AuditedRequest;

    /// <summary>
    /// The audited request the current grain call serves for <paramref name="caller"/>, or null: a call that is not
    /// audited (a plain read, a tool or test calling a grain) carries none, and one carried for another principal is
    /// not this caller's, so a record never pairs one principal with another's request.
    /// </summary>
    public static AuditedRequest? Of(Caller caller) =>
        Current is { } request && request.PrincipalId == caller.PrincipalId ? request : null;

    /// <summary>The id the records of <paramref name="caller"/>'s current call carry: empty when it is not audited.</summary>
    public static string IdOf(Caller caller) => Of(caller)?.RequestId ?? "";

    /// <summary>Makes this the request of the calls that follow in this flow; end it with <see cref="Leave"/>.</summary>
    public void Enter() => RequestContext.Set(ContextKey, this);

    /// <summary>Ends <see cref="Enter"/>: the flow's later calls carry no audited request.</summary>
    public static void Leave() => RequestContext.Remove(ContextKey);
}
