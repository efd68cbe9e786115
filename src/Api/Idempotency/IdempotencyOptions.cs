namespace SecretsStore.Api.Idempotency;

/// <summary><c>SecretsStore:Idempotency</c>: how long a write's <c>Idempotency-Key</c> is remembered.</summary>
public sealed class IdempotencyOptions
{
    /// <summary>How long a key replays its first answer (and refuses another request): Stripe's 24 hours.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The longest a keyed write holds its key against a repeat (answered 409 <c>idempotency_key_in_use</c>): a write
    /// ends long before (the grains' response timeout is 30 s); this frees the key of a gateway that died mid-request.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(1);

    public string? Problem() =>
        Window <= TimeSpan.Zero ? "Window must be positive"
        : Lease <= TimeSpan.Zero || Lease > Window ? "Lease must be positive and at most the Window"
        : null;
}
