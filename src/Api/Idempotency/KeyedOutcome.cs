namespace SecretsStore.Api.Idempotency;

/// <summary>
/// What the store's grain said of a keyed write's outcome: replayed (<see cref="Outcome{T}.Replayed"/>) or kept in the
/// commit of its change (<see cref="Outcome{T}.Kept"/>). The handler renders the outcome (<see cref="ApiResults.From"/>
/// notes both here), and the <see cref="IdempotencyKeyFilter"/> adds <c>Idempotent-Replayed: true</c> to a replay and
/// keeps, itself, an answer the grain did not keep. A note that flows with the request rather than a flag on the
/// answer, since a handler may answer with a shared instance (every 202 is the same one).
/// </summary>
public sealed class KeyedOutcome
{
    private static readonly AsyncLocal<KeyedOutcome?> Current = new();

    public bool Replayed { get; private set; }

    public bool Kept { get; private set; }

    /// <summary>Watches the rest of this flow (the handler the filter runs next) for the grain's outcome.</summary>
    public static KeyedOutcome Watch() => Current.Value = new KeyedOutcome();

    /// <summary>Notes what the grain said of an outcome, when a keyed write is watching.</summary>
    public static void Note<T>(Outcome<T> outcome)
    {
        if (Current.Value is { } watching)
        {
            watching.Replayed |= outcome.Replayed;
            watching.Kept |= outcome.Kept;
        }
    }
}
