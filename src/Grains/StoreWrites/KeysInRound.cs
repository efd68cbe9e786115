using SecretsStore.Persistence.Audit;

namespace SecretsStore.Grains.StoreWrites;

/// <summary>
/// The Idempotency-Keys of one commit round, across all its stores: the answers the table already holds for some of
/// them (read by the careful path; none on the first, optimistic try), and the keys a command of the round has claimed.
/// A key claimed twice in a round (the same key sent to two stores at once) would make the round's insert of answers
/// touch one row twice and fail every store of it: the second is answered as in use instead.
/// </summary>
public sealed class KeysInRound(IReadOnlyDictionary<string, KeyedRequest>? answers = null)
{
    private static readonly Dictionary<string, KeyedRequest> NoAnswers = [];
    private readonly HashSet<string> _claimed = new(StringComparer.Ordinal);

    /// <summary>The answers already kept for the round's keys, by key hash (hex).</summary>
    public IReadOnlyDictionary<string, KeyedRequest> Answers { get; } = answers ?? NoAnswers;

    /// <summary>Claims <paramref name="key"/> for one command of the round; false when another already has it.</summary>
    public bool TryClaim(string key) => _claimed.Add(key);
}
