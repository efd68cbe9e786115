using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.StoreWrites;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.Grains.Rules;

/// <summary>A store's secret list: which secrets a query matches and what each order sorts by (docs/api.md, "Lists").</summary>
public static class SecretListing
{
    /// <summary>What each of <see cref="ListQuery.SecretOrders"/> sorts by; the id breaks ties.</summary>
    public static readonly IReadOnlyDictionary<string, Func<SecretRecord, IComparable?>> SortKeys =
        new Dictionary<string, Func<SecretRecord, IComparable?>>
        {
            ["created"] = s => s.Created,
            ["modified"] = s => s.Modified,
            ["name"] = s => s.Name,
            ["comment"] = s => s.Comment,
            // Every listed secret is active, so ordering by status leaves the id to break the tie.
            ["status"] = _ => null,
        };

    /// <summary>Validates <paramref name="raw"/>, then answers the page it asks for, as views of <paramref name="storeId"/>'s secrets.</summary>
    public static Outcome<Page<SecretView>> List(IEnumerable<SecretRecord> secrets, Guid storeId, ListRequest raw, ScopeSet scopes)
    {
        var parsed = ListQuery.Parse(raw, ListQuery.SecretOrders, scopes);
        if (!parsed.Succeeded)
        {
            return parsed.Error;
        }

        var query = parsed.Value;
        var page = Paging.Apply(secrets.Where(s => Matches(s, query)), query, SortKeys[query.Order], s => s.Id);
        return new Page<SecretView>(page.Items.Select(s => s.ToView(storeId)).ToList(), page.Number, page.PerPage, page.TotalCount);
    }

    /// <summary>The search is a case-insensitive substring of the name or the comment; every scope asked for must be the secret's.</summary>
    public static bool Matches(SecretRecord secret, ListQuery query) =>
        (query.Search is null
            || secret.Name.Contains(query.Search, StringComparison.OrdinalIgnoreCase)
            || (secret.Comment?.Contains(query.Search, StringComparison.OrdinalIgnoreCase) ?? false))
        && query.Scopes.All(scope => secret.Scopes.Contains(scope, StringComparer.Ordinal));
}
