namespace SecretsStore.Grains.Abstractions;

/// <summary>
/// The refusals of a keyed write that a store's grain decides (docs/api.md, "Idempotency-Key"), and that the gateway
/// answers for its own routes. A grain answers them without a record: the gateway records them, as every refusal it
/// answers on an audited route, and answers 409 <c>idempotency_key_in_use</c> with Retry-After.
/// </summary>
public static class KeyedWriteErrors
{
    public const string KeyReusedToken = "idempotency_key_reused";
    public const string KeyInUseToken = "idempotency_key_in_use";
    public const string AnswerNotKeptToken = "idempotency_answer_not_kept";

    /// <summary>Never on the wire: the gateway answers it by replaying the answer it rendered and kept itself.</summary>
    public const string AnswerRenderedToken = "idempotency_answer_rendered";

    /// <summary>The key answered another request (method, path or body) within the window.</summary>
    public static StoreError KeyReused(TimeSpan window) => new(
        ErrorKind.Unprocessable,
        $"{KeyReusedToken}: this key was used within the last {Hours(window)} for a request with another method, path or body; send a new key for a new request");

    /// <summary>A request with the key is still running, perhaps on another gateway.</summary>
    public static StoreError KeyInUse() => new(
        ErrorKind.Conflict, $"{KeyInUseToken}: a request with this key is still running; repeat it after Retry-After to get its answer");

    /// <summary>
    /// The key's request committed, but its answer was not kept (the gateway stopped between the two): the change is
    /// there, and running it again would apply it twice.
    /// </summary>
    public static StoreError AnswerNotKept(string requestId) => new(
        ErrorKind.Conflict,
        $"{AnswerNotKeptToken}: the request with this key was applied (request id {requestId} in the audit trail), but its answer was not kept; read the resource it changed");

    /// <summary>
    /// The same request's answer was kept by the gateway, rendered (kept before store writes were keyed in their grain):
    /// the grain cannot render it, so the gateway replays it.
    /// </summary>
    public static StoreError AnswerRendered() => new(ErrorKind.Conflict, AnswerRenderedToken);

    /// <summary>Whether a grain's refusal is one of these, which the gateway answers (and records) itself.</summary>
    public static bool IsKeyRefusal(StoreError error) =>
        error.Token is KeyReusedToken or KeyInUseToken or AnswerNotKeptToken or AnswerRenderedToken;

    private static string Hours(TimeSpan window) =>
        window.TotalHours >= 1 && window.TotalHours % 1 == 0 ? $"{window.TotalHours:0} hours" : $"{window:c}";
}
