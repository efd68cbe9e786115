namespace SecretsStore.Grains.Abstractions;

/// <summary>
/// A secret with its value: the answer of the value route, the one way a value leaves the service. The value stays
/// a <see cref="SecretValue"/>, which prints as a mask, so a log line or trace that formats this shows no plaintext.
/// </summary>
[GenerateSerializer, Immutable, Alias("SecretsStore.RevealedSecret")]
public sealed record RevealedSecret(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Name,
    [property: Id(2)] SecretValue Value);
