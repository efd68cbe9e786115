namespace SecretsStore.Grains.Abstractions;

/// <summary>
/// The answer of a grain call: a value, or a refusal. Refusals are ordinary answers rather than exceptions
/// so that they cross the grain boundary cheaply and exceptions stay reserved for faults.
/// </summary>
[GenerateSerializer, Immutable, Alias("SecretsStore.Outcome`1")]
public sealed record Outcome<T>([property: Id(0)] T? Value, [property: Id(1)] StoreError? Error)
{
    public bool Succeeded => Error is null;

    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(StoreError error) => new(default, error);
}

/// <summary>The value of an operation that answers nothing but success.</summary>
[GenerateSerializer, Immutable, Alias("SecretsStore.Done")]
public sealed record Done
{
    public static readonly Done Value = new();
}
