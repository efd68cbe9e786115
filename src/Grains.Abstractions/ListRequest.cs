namespace SecretsStore.Grains.Abstractions;

/// <summary>
/// A list query as the client sent it. The fields stay raw strings so that one set of rules, in the grains,
/// decides what is valid for every caller.
/// </summary>
/// <param name="Scopes">Every scope named in the query, in either the repeated or the comma form.</param>
[GenerateSerializer, Immutable, Alias("SecretsStore.ListRequest")]
public sealed record ListRequest(
    [property: Id(0)] string? Page = null,
    [property: Id(1)] string? PerPage = null,
    [property: Id(2)] string? Order = null,
    [property: Id(3)] string? Direction = null,
    [property: Id(4)] string? Search = null,
    [property: Id(5)] IReadOnlyList<string>? Scopes = null);
