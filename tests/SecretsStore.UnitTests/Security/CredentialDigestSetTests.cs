using SecretsStore.Api.Access;

namespace SecretsStore.UnitTests.Security;

/// <summary>The cache of credentials the database did not know: bounded, expiring, and kind to the ones that recur.</summary>
public sealed class CredentialDigestSetTests
{
    private readonly ManualClock _clock = new();

    [Fact]
    public void ADigestIsKnownUntilItsLifetimeEnds()
    {
        var cache = new CredentialDigestSet(100, TimeSpan.FromMinutes(1), _clock);
        cache.Add(1);
        Assert.True(cache.Contains(1));
        Assert.False(cache.Contains(2));

        _clock.Advance(TimeSpan.FromSeconds(61));
        Assert.False(cache.Contains(1));
        cache.Add(1); // looked up again, still unknown
        Assert.True(cache.Contains(1));
    }

    [Fact]
    public void AFloodOfOneOffsNeverHoldsMoreThanTheCapacityAndARecurringDigestSurvivesIt()
    {
        var cache = new CredentialDigestSet(1_000, TimeSpan.FromMinutes(1), _clock);
        cache.Add(UInt128.MaxValue);
        for (UInt128 digest = 0; digest < 100_000; digest++)
        {
            cache.Add(digest);
            Assert.True(cache.Contains(UInt128.MaxValue), $"the recurring digest was forgotten after {digest} others");
        }

        Assert.InRange(cache.Count, 1, cache.Capacity);
        // The oldest one-offs went with their generation.
        Assert.False(cache.Contains(0));
    }

    [Fact]
    public void ClearForgetsEverything()
    {
        var cache = new CredentialDigestSet(100, TimeSpan.FromMinutes(1), _clock);
        cache.Add(7);
        cache.Clear();
        Assert.False(cache.Contains(7));
        Assert.Equal(0, cache.Count);
    }
}
