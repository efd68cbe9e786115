namespace SecretsStore.Api.Idempotency;

/// <summary>
/// Whether the store grain answered a keyed write with its kept outcome (<see cref="Outcome{T}.Replayed"/>): the handler
/// renders that outcome as it rendered the first answer (<see cref="ApiResults.From"/> marks it here), and the
/// <see cref="IdempotencyKeyFilter"/> adds <c>Idempotent-Replayed: true</c>. A flag that flows with the request rather
/// than one on the answer, since a handler may answer with a shared instance (every 202 is the same one).
/// </summary>
public sealed class ReplayedOutcome
{
    private static readonly AsyncLocal<ReplayedOutcome?> Current = new();

    public bool Replayed { get; private set; }

    /// <summary>Watches the rest of this flow (the handler the filter runs next) for a replayed outcome.</summary>
    public static ReplayedOutcome Watch() => Current.Value = new ReplayedOutcome();

    /// <summary>Notes a replayed outcome, when a keyed write is watching.</summary>
    public static void Mark()
    {
        if (Current.Value is { } watching)
        {
            watching.Replayed = true;
        }
    }
}
