using Orleans.Runtime;

namespace SecretsStore.Grains.Abstractions;

/// <summary>
/// A write sent with an <c>Idempotency-Key</c> (docs/api.md, "Idempotency-Key"): the hash of the principal and the key,
/// and the hash of the request (method, path, body). The gateway puts it in Orleans' <see cref="RequestContext"/> for
/// the request's grain calls, so no grain signature changes and a silo of the previous version simply ignores it; every
/// audit record of the request is stamped with it, in the change's own transaction. Neither hash reveals the key: the
/// trail holds no credential and nothing a client could replay with.
/// </summary>
/// <param name="KeyHash">SHA-256 of the principal and the key: a key is the principal's own.</param>
/// <param name="RequestHash">
/// HMAC-SHA256 of the method, the path and the body under a key derived from the Idempotency-Key: what a reuse of the
/// key must match.
/// </param>
[GenerateSerializer, Immutable, Alias("SecretsStore.IdempotentRequest")]
public sealed record IdempotentRequest([property: Id(0)] byte[] KeyHash, [property: Id(1)] byte[] RequestHash)
{
    private const string ContextKey = "secretsstore.idempotency";

    /// <summary>
    /// The keyed request this turn serves, or null. Read where a call's records are planned in the call's own turn (the
    /// account grain, the gateway), or captured when the call arrives (a store's <c>AuditedCall</c>), since a store
    /// commits many calls' records in one later turn.
    /// </summary>
    public static IdempotentRequest? Current => RequestContext.Get(ContextKey) as IdempotentRequest;

    /// <summary>Makes this the current request's key for the calls and records that follow in this flow.</summary>
    public void Enter() => RequestContext.Set(ContextKey, this);

    /// <summary>Ends <see cref="Enter"/>: the flow's later work carries no key.</summary>
    public static void Leave() => RequestContext.Remove(ContextKey);
}
