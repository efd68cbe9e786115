namespace SecretsStore.Grains.Abstractions;

/// <summary>A store as clients see it.</summary>
/// <param name="ManagedBy">The owning service's name for stores made through the system routes, else null.</param>
[GenerateSerializer, Immutable, Alias("SecretsStore.StoreView")]
public sealed record StoreView(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Name,
    [property: Id(2)] Guid AccountId,
    [property: Id(3)] DateTime Created,
    [property: Id(4)] DateTime Modified,
    [property: Id(5)] string? ManagedBy);
