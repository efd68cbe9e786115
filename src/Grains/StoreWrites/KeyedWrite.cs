using SecretsStore.Grains.Abstractions;
using SecretsStore.Persistence.Audit;

namespace SecretsStore.Grains.StoreWrites;

/// <summary>
/// One keyed write of a store's secrets, decided in the store's grain (docs/api.md, "Idempotency-Key"): the hashes
/// the gateway sent (<see cref="IdempotentRequest"/>), the key that seals its answer (<see cref="KeyedStoreWrite"/>), and
/// when it arrived. Its command keeps the sealed answer in the commit of its change (<see cref="Keep{T}"/>); a command
/// whose key already has an answer is answered from it and plans nothing (<see cref="AnswerInRound{T}"/>).
/// </summary>
public sealed class KeyedWrite(IdempotentRequest request, KeyedStoreWrite write, DateTime at)
{
    public byte[] KeyHash => request.KeyHash;

    /// <summary>The key hash as text, for the grain's memory and the round's ledger.</summary>
    public string Key { get; } = Convert.ToHexString(request.KeyHash);

    /// <summary>The start of the key's window: an answer kept before it no longer binds the key.</summary>
    public DateTime Since => at - write.Window;

    /// <summary>
    /// Inside the commit: the answer of a command whose key the round already knows (kept earlier, or claimed by another
    /// command of the round); null when the key is free, which claims it.
    /// </summary>
    public Outcome<T>? AnswerInRound<T>(StoreDraft draft)
    {
        if (draft.Keys.Answers.TryGetValue(Key, out var earlier))
        {
            return AnswerFrom<T>(earlier);
        }

        return draft.Keys.TryClaim(Key) ? null : new Outcome<T>(default, KeyedWriteErrors.KeyInUse());
    }

    /// <summary>
    /// The answer to a repeat of a key that has one: the first answer, replayed, for the same request; a refusal for
    /// another request, or for a change whose answer was not kept; the gateway replays an answer it rendered itself.
    /// </summary>
    public Outcome<T> AnswerFrom<T>(KeyedRequest earlier) =>
        !earlier.RequestHash.AsSpan().SequenceEqual(request.RequestHash) ? KeyedWriteErrors.KeyReused(write.Window)
        : earlier.Sealed is null ? KeyedWriteErrors.AnswerNotKept(earlier.RequestId ?? "")
        : earlier.Format != AnswerFormat.StoreOutcome ? KeyedWriteErrors.AnswerRendered()
        : KeptOutcome.Open<T>(write.AnswerKey, request.RequestHash, earlier.Sealed) with { Replayed = true };

    /// <summary>Adds the sealed answer to the draft, so it commits with the command's change and records, or not at all.</summary>
    public void Keep<T>(StoreDraft draft, Outcome<T> outcome) =>
        draft.Keep(new KeptAnswer(request.KeyHash, request.RequestHash, at, Since, KeptOutcome.Seal(write.AnswerKey, request.RequestHash, outcome)));
}
