namespace SecretsStore.Api.Idempotency;

/// <summary>The refusals of the <c>Idempotency-Key</c> header (docs/api.md, "Idempotency-Key"), each with its hint.</summary>
public static class IdempotencyErrors
{
    /// <summary>An empty key, one over 255 characters, one that is not printable ASCII, or the header sent twice.</summary>
    public static StoreError KeyInvalid(string hint) => new(ErrorKind.Validation, $"idempotency_key_invalid: {hint}");

    /// <inheritdoc cref="KeyedWriteErrors.KeyReused"/>
    public static StoreError KeyReused(TimeSpan window) => KeyedWriteErrors.KeyReused(window);

    /// <inheritdoc cref="KeyedWriteErrors.KeyInUse"/>
    public static StoreError KeyInUse() => KeyedWriteErrors.KeyInUse();

    /// <inheritdoc cref="KeyedWriteErrors.AnswerNotKept"/>
    public static StoreError AnswerNotKept(string requestId) => KeyedWriteErrors.AnswerNotKept(requestId);
}
