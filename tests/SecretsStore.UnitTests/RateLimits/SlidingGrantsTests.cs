using SecretsStore.Grains.RateLimits;

namespace SecretsStore.UnitTests.RateLimits;

public sealed class SlidingGrantsTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private static readonly long Second = TimeSpan.FromSeconds(1).Ticks;

    [Fact]
    public void NoMoreThanTheLimitIsGrantedWithinAWindowAndTheLastGrantIsPartial()
    {
        var grants = new SlidingGrants(25, Window);
        var start = 1_000 * Second;
        Assert.Equal([10, 10, 5, 0], [grants.Grant(start, 10), grants.Grant(start + Second, 10), grants.Grant(start + (2 * Second), 10), grants.Grant(start + (9 * Second), 10)]);
        Assert.Equal(25, grants.Used(start + (9 * Second)));
    }

    [Fact]
    public void GrantsFreeUpSegmentBySegmentAsTheWindowSlides()
    {
        var grants = new SlidingGrants(20, Window);
        var start = 1_000 * Second;
        grants.Grant(start, 10);
        grants.Grant(start + (3 * Second), 10);

        Assert.Equal(TimeSpan.FromSeconds(7), grants.UntilRoom(start + (3 * Second)));
        Assert.Equal(0, grants.Grant(start + (9 * Second), 1));
        Assert.Equal(10, grants.Grant(start + (10 * Second), 15));
        Assert.Equal(0, grants.Grant(start + (12 * Second), 1));
        Assert.Equal(10, grants.Grant(start + (13 * Second), 15));
    }

    [Fact]
    public void UnspentPermitsGivenBackCanBeGrantedAgainButNotOnceTheirSegmentSlidOut()
    {
        var grants = new SlidingGrants(20, Window);
        var start = 1_000 * Second;
        grants.Grant(start, 20);
        var segment = grants.SegmentOf(start);

        grants.Return(start + Second, segment, 8);
        Assert.Equal(8, grants.Grant(start + Second, 10));

        Assert.Equal(20, grants.Used(start + (9 * Second)));

        // Ten seconds on, the first segment's slot holds a new segment: a late return must not take from it.
        Assert.Equal(5, grants.Grant(start + (10 * Second), 5));
        grants.Return(start + (10 * Second), segment, 12);
        Assert.Equal(13, grants.Used(start + (10 * Second)));
    }

    [Fact]
    public void GivingBackMoreThanWasGrantedNeverMakesRoomBeyondTheLimit()
    {
        var grants = new SlidingGrants(10, Window);
        var start = 1_000 * Second;
        grants.Grant(start, 4);
        grants.Return(start, grants.SegmentOf(start), 100);
        Assert.Equal(10, grants.Grant(start, 100));
    }
}
