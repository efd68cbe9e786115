namespace SecretsStore.Grains.Abstractions;

/// <summary>One page of a list.</summary>
/// <param name="TotalCount">How many items match the query across all pages.</param>
[GenerateSerializer, Immutable, Alias("SecretsStore.Page`1")]
public sealed record Page<T>(
    [property: Id(0)] IReadOnlyList<T> Items,
    [property: Id(1)] int Number,
    [property: Id(2)] int PerPage,
    [property: Id(3)] int TotalCount)
{
    public int TotalPages => TotalCount == 0 ? 0 : (TotalCount + PerPage - 1) / PerPage;
}
