using Microsoft.AspNetCore.Mvc;

namespace SecretsStore.Api.OpenApi;

/// <summary>The query of a list route (docs/api.md, "Lists"), bound as sent so that the grains' rules judge every value.</summary>
public sealed record ListQueryParameters(
    [property: FromQuery(Name = "page")] string? Page,
    [property: FromQuery(Name = "per_page")] string? PerPage,
    [property: FromQuery(Name = "order")] string? Order,
    [property: FromQuery(Name = "direction")] string? Direction,
    [property: FromQuery(Name = "search")] string? Search,
    [property: FromQuery(Name = "scopes")] string[]? Scopes)
{
    /// <summary>Scopes may come repeated (<c>scopes=a&amp;scopes=b</c>) or comma-separated (<c>scopes=a,b</c>).</summary>
    public ListRequest ToRequest() => new(
        Page,
        PerPage,
        Order,
        Direction,
        Search,
        (Scopes ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList());
}

/// <summary>The query of the store list: paging and order only.</summary>
public sealed record StoreListQueryParameters(
    [property: FromQuery(Name = "page")] string? Page,
    [property: FromQuery(Name = "per_page")] string? PerPage,
    [property: FromQuery(Name = "order")] string? Order,
    [property: FromQuery(Name = "direction")] string? Direction)
{
    public ListRequest ToRequest() => new(Page, PerPage, Order, Direction);
}
