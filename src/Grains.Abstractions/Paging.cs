
namespace SecretsStore.Grains.Abstractions;

/// <summary>Orders and pages a list. Ties are broken by id so that pages never overlap or skip.</summary>
public static class Paging
{
    public static Page<T> Apply<T>(IEnumerable<T> items, ListQuery query, Func<T, IComparable?> key, Func<T, Guid> id)
    {
        var matching = items as IReadOnlyCollection<T> ?? items.ToList();
        var skip = (long)(query.Page - 1) * query.PerPage;
        if (skip >= matching.Count)
        {
            return new Page<T>([], query.Page, query.PerPage, matching.Count);
        }

        var ordered = query.Descending
            ? matching.OrderByDescending(key, NullFirstComparer.Instance).ThenByDescending(id)
            : matching.OrderBy(key, NullFirstComparer.Instance).ThenBy(id);

        // Skip and Take straight on the ordering let LINQ select just this page's items instead of sorting them all.
        return new Page<T>(ordered.Skip((int)skip).Take(query.PerPage).ToArray(), query.Page, query.PerPage, matching.Count);
    }

    /// <summary>Strings compare ordinally (so ordering does not depend on the host's culture); null sorts first.</summary>
    private sealed class NullFirstComparer : IComparer<IComparable?>
    {
        public static readonly NullFirstComparer Instance = new();

        public int Compare(IComparable? x, IComparable? y) => (x, y) switch
        {
            (null, null) => 0,
            (null, _) => -1,
            (_, null) => 1,
            (string a, string b) => string.CompareOrdinal(a, b),
            _ => x.CompareTo(y),
        };
    }
}
