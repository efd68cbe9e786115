using System.Text.Json;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Persistence.Audit;

namespace SecretsStore.Grains.StoreWrites;

/// <summary>
/// A store grain's keyed answer as <c>idempotent_answers</c> keeps it (format <see cref="AnswerFormat.StoreOutcome"/>):
/// the typed outcome (secrets' metadata, a refusal, or nothing), never a value, as JSON, sealed under the key the
/// gateway derived from the Idempotency-Key (<see cref="AnswerCipher"/>). The gateway renders it again exactly as it
/// rendered the first answer, since the same route renders the same outcome to the same bytes.
/// </summary>
public static class KeptOutcome
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    public static byte[] Seal<T>(byte[] answerKey, byte[] requestHash, Outcome<T> outcome) =>
        AnswerCipher.Seal(answerKey, requestHash, JsonSerializer.SerializeToUtf8Bytes(outcome, Json));

    /// <exception cref="InvalidOperationException">The seal does not open: the row is not the answer of this key and request.</exception>
    public static Outcome<T> Open<T>(byte[] answerKey, byte[] requestHash, byte[] sealedAnswer)
    {
        var plain = AnswerCipher.Open(answerKey, requestHash, sealedAnswer)
            ?? throw new InvalidOperationException("A kept answer did not open with the key and request it was sealed for.");
        return JsonSerializer.Deserialize<Outcome<T>>(plain, Json)
            ?? throw new InvalidOperationException("A kept answer held no outcome.");
    }
}
