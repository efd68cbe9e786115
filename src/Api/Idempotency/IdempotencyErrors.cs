namespace SecretsStore.Api.Idempotency;

/// <summary>The refusals of the <c>Idempotency-Key</c> header (docs/api.md, "Idempotency-Key"), each with its hint.</summary>
public static class IdempotencyErrors
{
    /// <summary>An empty key, one over 255 characters, one that is not printable ASCII, or the header sent twice.</summary>
    public static StoreError KeyInvalid(string hint) => new(ErrorKind.Validation, $"idempotency_key_invalid: {hint}");

    /// <summary>The key answered another request (method, path or body) within the window.</summary>
    public static StoreError KeyReused(TimeSpan window) => new(
        ErrorKind.Unprocessable,
        $"idempotency_key_reused: this key was used within the last {Hours(window)} for a request with another method, path or body; send a new key for a new request");

    /// <summary>A request with the key is still running, perhaps on another gateway.</summary>
    public static StoreError KeyInUse() => new(
        ErrorKind.Conflict, "idempotency_key_in_use: a request with this key is still running; repeat it after Retry-After to get its answer");

    /// <summary>
    /// The key's request committed, but its answer was not kept (the gateway stopped between the two): the change is
    /// there, and running it again would apply it twice.
    /// </summary>
    public static StoreError AnswerNotKept(string requestId) => new(
        ErrorKind.Conflict,
        $"idempotency_answer_not_kept: the request with this key was applied (request id {requestId} in the audit trail), but its answer was not kept; read the resource it changed");

    private static string Hours(TimeSpan window) =>
        window.TotalHours >= 1 && window.TotalHours % 1 == 0 ? $"{window.TotalHours:0} hours" : $"{window:c}";
}
