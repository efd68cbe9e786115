using SecretsStore.Grains.Abstractions;

namespace SecretsStore.UnitTests.Rules;

public sealed class PagingTests
{
    private sealed record Item(Guid Id, string Name);

    private static ListQuery Query(int page, int perPage, bool descending = false) => new(page, perPage, "name", descending, null, []);

    [Fact]
    public void TiesAreBrokenByIdSoPagesNeitherOverlapNorSkip()
    {
        var items = Enumerable.Range(0, 25).Select(_ => new Item(Guid.NewGuid(), "same")).ToList();
        var seen = new List<Guid>();
        for (var page = 1; page <= 3; page++)
        {
            seen.AddRange(Paging.Apply(items, Query(page, 10), i => i.Name, i => i.Id).Items.Select(i => i.Id));
        }

        Assert.Equal(items.Select(i => i.Id).Order(), seen);
    }

    [Fact]
    public void APagePastTheEndIsEmptyButCountsTheTotal()
    {
        var items = Enumerable.Range(0, 5).Select(i => new Item(Guid.NewGuid(), $"n{i}")).ToList();
        var page = Paging.Apply(items, Query(2, 5), i => i.Name, i => i.Id);
        Assert.Empty(page.Items);
        Assert.Equal((5, 1), (page.TotalCount, page.TotalPages));
    }

    [Fact]
    public void DescendingReversesTheOrder()
    {
        var items = new[] { new Item(Guid.NewGuid(), "a"), new Item(Guid.NewGuid(), "c"), new Item(Guid.NewGuid(), "b") };
        var page = Paging.Apply(items, Query(1, 10, descending: true), i => i.Name, i => i.Id);
        Assert.Equal(["c", "b", "a"], page.Items.Select(i => i.Name));
    }

    [Fact]
    public void NamesCompareOrdinallyWhateverTheCulture()
    {
        var items = new[] { new Item(Guid.NewGuid(), "b"), new Item(Guid.NewGuid(), "B"), new Item(Guid.NewGuid(), "a") };
        Assert.Equal(["B", "a", "b"], Paging.Apply(items, Query(1, 10), i => i.Name, i => i.Id).Items.Select(i => i.Name));
    }
}
