namespace SecretsStore.Grains.Abstractions;

/// <summary>A secret's metadata as clients see it. It has no value field on purpose: values never leave by this path.</summary>
[GenerateSerializer, Immutable, Alias("SecretsStore.SecretView")]
public sealed record SecretView(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Name,
    [property: Id(2)] Guid StoreId,
    [property: Id(3)] DateTime Created,
    [property: Id(4)] DateTime Modified,
    [property: Id(5)] string Status,
    [property: Id(6)] string? Comment,
    [property: Id(7)] IReadOnlyList<string> Scopes);
