using Microsoft.Extensions.Options;
using SecretsStore.Api;
using SecretsStore.Api.Access;

namespace SecretsStore.UnitTests.Security;

/// <summary>Failed authentications per client address: a fixed window from the first failure, and a truthful Retry-After.</summary>
public sealed class FailedAuthenticationsTests
{
    private readonly ManualClock _clock = new();

    private FailedAuthentications Limit(int failures, TimeSpan window) =>
        new(Options.Create(new ApiOptions { RateLimit = new RateLimitOptions { FailedAuthentications = failures, FailedAuthenticationWindow = window } }), _clock);

    [Fact]
    public void AnAddressIsBlockedOnceItUsedItsFailuresUntilItsWindowEnds()
    {
        var limit = Limit(3, TimeSpan.FromMinutes(1));
        for (var i = 0; i < 3; i++)
        {
            Assert.False(limit.IsBlocked("192.0.2.1", out _));
            Assert.True(limit.TryCount("192.0.2.1", out _));
        }

        _clock.Advance(TimeSpan.FromSeconds(20));
        Assert.True(limit.IsBlocked("192.0.2.1", out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(40), retryAfter);
        Assert.False(limit.TryCount("192.0.2.1", out retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(40), retryAfter);
        Assert.False(limit.IsBlocked("192.0.2.2", out _));

        _clock.Advance(TimeSpan.FromSeconds(40));
        Assert.False(limit.IsBlocked("192.0.2.1", out _));
        Assert.True(limit.TryCount("192.0.2.1", out _));
    }

    [Fact]
    public void ManyAddressesAreForgottenWhenTheirWindowsEnd()
    {
        var limit = Limit(1, TimeSpan.FromSeconds(1));
        for (var i = 0; i < 5_000; i++)
        {
            Assert.True(limit.TryCount($"198.51.100.{i}", out _));
            _clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.InRange(limit.TrackedCount, 1, 1_124);
    }
}
