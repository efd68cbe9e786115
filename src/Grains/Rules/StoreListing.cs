using SecretsStore.Grains.Abstractions;

namespace SecretsStore.Grains.Rules;

/// <summary>An account's store list: which stores a caller sees and what each order sorts by (docs/api.md, "Lists").</summary>
public static class StoreListing
{
    /// <summary>What each of <see cref="ListQuery.StoreOrders"/> sorts by; the id breaks ties.</summary>
    public static readonly IReadOnlyDictionary<string, Func<StoreView, IComparable?>> SortKeys =
        new Dictionary<string, Func<StoreView, IComparable?>>
        {
            ["created"] = s => s.Created,
            ["modified"] = s => s.Modified,
            ["name"] = s => s.Name,
        };

    /// <summary>Validates <paramref name="raw"/>, then answers the page it asks for of the stores <paramref name="caller"/> sees.</summary>
    public static Outcome<Page<StoreView>> List(IEnumerable<StoreView> stores, Caller caller, ListRequest raw)
    {
        var parsed = ListQuery.Parse(raw, ListQuery.StoreOrders, scopes: null);
        if (!parsed.Succeeded)
        {
            return parsed.Error;
        }

        var query = parsed.Value;
        return Paging.Apply(stores.Where(s => StoreAccess.Sees(caller, s.ManagedBy)), query, SortKeys[query.Order], s => s.Id);
    }
}
