using SecretsStore.Grains.Abstractions;
using SecretsStore.Persistence.Audit;

namespace SecretsStore.Grains.StoreWrites;

/// <summary>
/// One audited request to a store: who, which account, which action, when, and the request it serves. Its records
/// name the store and its secrets only when the store belongs to the account the request addressed: that account may
/// read the trail, and a caller naming another account's store must not write that store's names into it. A service calling in an account it
/// is not granted (the gateway refuses that first; this is the grain's own check) is recorded in the operator's trail
/// only, as the gateway records it.
/// </summary>
/// <param name="AllowedStatus">The HTTP status an allowed request is answered with (202 for deletes of secrets).</param>
public sealed record AuditedCall(Caller Caller, Guid AccountId, string Action, DateTime At, int AllowedStatus = 200)
{
    /// <summary>
    /// The request's Idempotency-Key, taken from the call's context when the call arrives: the store plans and commits
    /// its records in a later turn that serves a whole batch of calls, whose context is not this call's.
    /// </summary>
    public IdempotentRequest? Idempotency { get; init; } = IdempotentRequest.Current;

    /// <summary>The audited request the call serves, taken from its context when it arrives, as the key is.</summary>
    public AuditedRequest? Request { get; init; } = AuditedRequest.Of(Caller);

    /// <summary>The id the call's records carry: empty for a call that is not audited.</summary>
    public string RequestId => Request?.RequestId ?? "";

    /// <summary>An earlier send of the call may have committed (<c>[AnsweredOnce]</c>): resolve it by its request id first.</summary>
    public bool Repeats => Request is { Repeats: true, RequestId.Length: > 0 };

    /// <summary>A keyed write of the store's secrets, which the store's grain decides (<see cref="KeyedWrites"/>); null otherwise.</summary>
    public KeyedWrite? Keyed { get; init; }

    public AuditRecord Record(StoreSnapshot store, StoreError? error) => Record(store, error, null, null);

    /// <summary>A record naming one secret; its name only when known and the store is the account's own.</summary>
    public AuditRecord Record(StoreSnapshot store, StoreError? error, Guid? secretId, string? secretName)
    {
        var owns = Owns(store);
        return AuditRecord.Of(
            At, AccountId, Caller, RequestId, Action, error, AllowedStatus,
            storeId: store.StoreId, storeName: owns ? store.Row!.Name : null, secretId: secretId, secretName: owns ? secretName : null,
            idempotency: Idempotency, request: Request);
    }

    private bool Owns(StoreSnapshot store) => store.Row is { } row && row.AccountId == AccountId;
}
