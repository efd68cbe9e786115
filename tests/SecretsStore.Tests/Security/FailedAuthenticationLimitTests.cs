using System.Globalization;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Security;

/// <summary>
/// Review findings 2 and 16: nothing limited failed authentication by source. Now an address that presents too many
/// unknown credentials is answered 429 (code 971, Retry-After) before its next uncached credential is looked up,
/// while credentials the gateway found valid keep working from the same address. Behind a trusted balancer the address is
/// the one it forwards; from anyone else, X-Forwarded-For is ignored.
/// </summary>
public sealed class FailedAuthenticationLimitTests
{
    private const int Limit = 5;

    [Fact]
    public async Task PastItsLimitAnAddressGets429BeforeAnyLookUpWhileATokenItHasUsedStillWorks()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("failedauth"));
        // Later arguments win over TestHost's raised limit. A short credential cache, so the good token's entry expires.
        await using var app = await TestHost.StartAsync(settings,
            $"--SecretsStore:RateLimit:FailedAuthentications={Limit}", "--SecretsStore:RateLimit:FailedAuthenticationWindow=00:01:00",
            "--SecretsStore:CredentialCacheDuration=00:00:01", "--SecretsStore:Logging:Requests=true");
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var api = new ApiClient(http);
        var account = await AppFixture.NewAccountAsync(api, settings.AdminToken);
        var quota = $"{account.Base}/quota";
        Assert.Equal(200, (await api.GetAsync(quota, account.ReadToken)).Status);
        using var lookups = new CredentialLookups(app);

        var bad = Enumerable.Range(0, Limit + 2).Select(_ => GuessedTokens.New()).ToList();
        for (var i = 0; i < Limit; i++)
        {
            Assert.Equal(401, (await api.GetAsync(quota, bad[i])).Status);
        }

        Assert.Equal(Limit, lookups.Unknown);
        // Nor do the request log (on here) and the probes look a credential up.
        Assert.Equal(200, (await api.GetAsync("/healthz", GuessedTokens.New())).Status);
        Assert.Equal(Limit, lookups.Unknown);
        var refused = await api.GetAsync(quota, bad[Limit]);
        Assert.Equal((429, 971), (refused.Status, refused.ErrorCode));
        Assert.InRange(int.Parse(refused.Header("Retry-After")!, CultureInfo.InvariantCulture), 1, 60);
        // Refused before the look-up, and logged without one: the database was not asked about the token.
        Assert.Equal(Limit, lookups.Unknown);
        // A bad token already known to be bad is refused alike, and X-Forwarded-For from a client is not believed.
        Assert.Equal(429, (await api.GetAsync(quota, bad[0])).Status);
        Assert.Equal(429, (await SendWithForwardedForAsync(api, quota, bad[Limit + 1], "198.51.100.1")).Status);
        Assert.Equal(Limit, lookups.Unknown);

        // The token this address used before the flood still works, even once its cache entry has expired (it is
        // looked up again: it was valid lately), and requests without credentials are not counted.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var found = lookups.Found;
        Assert.Equal(200, (await api.GetAsync(quota, account.ReadToken)).Status);
        Assert.Equal(found + 1, lookups.Found);
        var none = await api.GetAsync(quota, null);
        Assert.Equal((400, 9106), (none.Status, none.ErrorCode));
        // A valid token this gateway has not seen yet is refused too: telling it from a guess takes the look-up the limit saves.
        var fresh = await api.PostAsync($"/admin/v1/accounts/{account.Id}/tokens", settings.AdminToken, new { name = "fresh", permission = "read" });
        Assert.Equal(429, (await api.GetAsync(quota, fresh.Result.GetProperty("token").GetString())).Status);
    }

    /// <summary>
    /// The defence that keeps a flood from taking the cores: a failed authentication, 401 or 429, is answered only after
    /// the delay, so each of a flood's connections sends a few requests a second; a known token is not held.
    /// </summary>
    [Fact]
    public async Task AFailedAuthenticationIsAnsweredOnlyAfterTheDelayAndAKnownTokenIsNotHeld()
    {
        var delay = TimeSpan.FromMilliseconds(400);
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("failuredelay"));
        await using var app = await TestHost.StartAsync(settings,
            $"--SecretsStore:RateLimit:FailedAuthentications={Limit}", $"--SecretsStore:RateLimit:FailedAuthenticationDelay={delay:c}");
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var api = new ApiClient(http);
        var account = await AppFixture.NewAccountAsync(api, settings.AdminToken);
        var quota = $"{account.Base}/quota";
        // Used before the address goes over its limit: a token this gateway has not seen would be refused after it.
        Assert.Equal(200, (await api.GetAsync(quota, account.ReadToken)).Status);

        // Lower bounds only: a timer never fires early by more than its resolution, whatever the machine is doing.
        for (var i = 0; i <= Limit; i++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var refused = await api.GetAsync(quota, GuessedTokens.New());
            Assert.Equal(i < Limit ? 401 : 429, refused.Status);
            Assert.True(clock.Elapsed >= delay - TimeSpan.FromMilliseconds(20), $"refusal {i} came after {clock.Elapsed.TotalMilliseconds:F0} ms");
        }

        // Twenty requests with a known token, one after another, would take at least 20 × the delay if each were held;
        // the bound is half that, far above what twenty cached reads take on a loaded machine.
        var held = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(200, (await api.GetAsync(quota, account.ReadToken)).Status);
        }

        Assert.True(held.Elapsed < delay * 10, $"twenty known-token requests took {held.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task BehindATrustedProxyEachForwardedClientHasItsOwnLimit()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("forwarded"));
        await using var app = await TestHost.StartAsync(settings,
            $"--SecretsStore:RateLimit:FailedAuthentications={Limit}", "--SecretsStore:ForwardedHeaders:KnownProxies:0=127.0.0.1");
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var api = new ApiClient(http);
        const string path = "/client/v4/user/tokens/verify";

        for (var i = 0; i < Limit; i++)
        {
            Assert.Equal(401, (await SendWithForwardedForAsync(api, path, GuessedTokens.New(), "203.0.113.7")).Status);
        }

        Assert.Equal(429, (await SendWithForwardedForAsync(api, path, GuessedTokens.New(), "203.0.113.7")).Status);
        // Another client behind the same balancer, and the balancer's own address, are not held back by the first.
        Assert.Equal(401, (await SendWithForwardedForAsync(api, path, GuessedTokens.New(), "203.0.113.8")).Status);
        Assert.Equal(401, (await api.GetAsync(path, GuessedTokens.New())).Status);
    }

    private static Task<ApiResponse> SendWithForwardedForAsync(ApiClient api, string path, string? token, string client) =>
        api.SendAsync(HttpMethod.Get, path, token, headers: new Dictionary<string, string> { ["X-Forwarded-For"] = client });
}
