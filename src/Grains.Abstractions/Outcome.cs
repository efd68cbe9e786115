using System.Diagnostics.CodeAnalysis;

namespace SecretsStore.Grains.Abstractions;

/// <summary>
/// The answer of a grain call: a value, or a refusal. Refusals are ordinary answers rather than exceptions
/// so that they cross the grain boundary cheaply and exceptions stay reserved for faults.
/// </summary>
[GenerateSerializer, Immutable, Alias("SecretsStore.Outcome`1")]
public sealed record Outcome<T>([property: Id(0)] T? Value, [property: Id(1)] StoreError? Error)
{
    /// <summary>
    /// True for a value, false for a refusal; checking it tells the compiler which of the two is there. A success of a
    /// nullable <typeparamref name="T"/> (<c>Outcome&lt;string?&gt;</c>) may still carry null, which the annotation
    /// cannot say: there, keep treating the value as nullable.
    /// </summary>
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Error is null;

    /// <summary>
    /// A keyed write's first answer given again to a repeat of its Idempotency-Key: the gateway answers it with
    /// <c>Idempotent-Replayed: true</c>, and records nothing.
    /// </summary>
    [Id(2)]
    public bool Replayed { get; init; }

    /// <summary>
    /// A keyed write's answer that its store's grain kept in the commit of its change. One that is not (a silo of the
    /// previous version decided it) the gateway keeps itself.
    /// </summary>
    [Id(3)]
    public bool Kept { get; init; }

    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(StoreError error) => new(default, error);
}

/// <summary>The value of an operation that answers nothing but success.</summary>
[GenerateSerializer, Immutable, Alias("SecretsStore.Done")]
public sealed record Done
{
    public static readonly Done Value = new();
}
