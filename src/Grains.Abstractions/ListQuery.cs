using System.Globalization;

namespace SecretsStore.Grains.Abstractions;

/// <summary>A validated list query (docs/api.md, "Lists").</summary>
public sealed record ListQuery(int Page, int PerPage, string Order, bool Descending, string? Search, IReadOnlyList<string> Scopes)
{
    public const int DefaultPerPage = 20;
    public const int MaxPerPage = 100;

    public static readonly IReadOnlyList<string> StoreOrders = ["created", "modified", "name"];
    public static readonly IReadOnlyList<string> SecretOrders = ["created", "modified", "name", "comment", "status"];

    /// <summary>Validates a raw query. <paramref name="scopes"/> is null where scope filters do not apply (stores).</summary>
    public static Outcome<ListQuery> Parse(ListRequest raw, IReadOnlyList<string> orders, ScopeSet? scopes)
    {
        if (!TryParseCount(raw.Page, out var page))
        {
            return Errors.InvalidPage();
        }

        if (!TryParseCount(raw.PerPage, out var perPage) || perPage > MaxPerPage)
        {
            return Errors.InvalidPerPage(MaxPerPage);
        }

        var order = string.IsNullOrEmpty(raw.Order) ? "created" : raw.Order;
        if (!orders.Contains(order))
        {
            return Errors.InvalidOrder(order);
        }

        var direction = string.IsNullOrEmpty(raw.Direction) ? "desc" : raw.Direction;
        if (direction is not ("asc" or "desc"))
        {
            return Errors.InvalidDirection(direction);
        }

        var filter = raw.Scopes ?? [];
        if (scopes is not null && filter.FirstOrDefault(s => !scopes.IsAllowed(s)) is { } unknown)
        {
            return Errors.InvalidScopeFilter(unknown, scopes.Names);
        }

        var search = string.IsNullOrEmpty(raw.Search) ? null : raw.Search;
        return new ListQuery(Math.Max(page, 1), perPage == 0 ? DefaultPerPage : perPage, order, direction == "desc", search, filter);
    }

    /// <summary>Absent means 0, which the caller turns into the default.</summary>
    private static bool TryParseCount(string? text, out int value)
    {
        value = 0;
        return string.IsNullOrEmpty(text)
            || (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 0);
    }
}
