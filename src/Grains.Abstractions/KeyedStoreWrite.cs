using Orleans.Runtime;

namespace SecretsStore.Grains.Abstractions;

/// <summary>
/// A keyed write of a store's secrets (create, patch, delete, bulk delete, duplicate), which the store's grain decides
/// itself (docs/api.md, "Idempotency-Key"): it travels in Orleans' <see cref="RequestContext"/> beside the request's
/// <see cref="IdempotentRequest"/>. The gateway derives the key that seals the answer from the Idempotency-Key and the
/// principal; the grain never sees the Idempotency-Key, keeps the sealed answer in the commit of the change, and
/// opens it only for a repeat that carries the same key. A call without it (the account grain's store delete, a silo
/// of the previous version) is a keyed write the gateway decides, as every other route's.
/// </summary>
/// <param name="AnswerKey">The AES-256 key that seals the answer (HKDF of the Idempotency-Key and the principal).</param>
/// <param name="Window">How long the key replays its first answer: the gateway's <c>SecretsStore:Idempotency:Window</c>.</param>
[GenerateSerializer, Immutable, Alias("SecretsStore.KeyedStoreWrite")]
public sealed record KeyedStoreWrite([property: Id(0)] byte[] AnswerKey, [property: Id(1)] TimeSpan Window)
{
    private const string ContextKey = "secretsstore.idempotency.store";

    /// <summary>The keyed store write this turn serves, or null. Read when the call arrives, in the call's own turn.</summary>
    public static KeyedStoreWrite? Current => RequestContext.Get(ContextKey) as KeyedStoreWrite;

    public void Enter() => RequestContext.Set(ContextKey, this);

    public static void Leave() => RequestContext.Remove(ContextKey);

    /// <summary>No key material in logs or traces.</summary>
    public override string ToString() => $"KeyedStoreWrite {{ AnswerKey = {Redacted.Mask}, Window = {Window} }}";
}
