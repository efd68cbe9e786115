using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Http;

/// <summary>Each credential has its own budget; the excess is answered 429/971 with Retry-After.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task ACredentialOverItsBudgetGets429WithRetryAfterWhileOthersAndProbesGoOn()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("ratelimit"));
        // Later arguments win: five requests a minute for everyone, the admin token included.
        await using var app = await TestHost.StartAsync(settings, "--SecretsStore:RateLimit:Requests=5", "--SecretsStore:RateLimit:Window=00:01:00");
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var api = new ApiClient(http);
        var account = await api.PostAsync("/admin/v1/accounts", settings.AdminToken, new { name = "limited" });
        var id = account.Result.GetProperty("id").GetString();
        var token = (await api.PostAsync($"/admin/v1/accounts/{id}/tokens", settings.AdminToken, new { name = "t", permission = "read" }))
            .Result.GetProperty("token").GetString();

        var answers = new List<ApiResponse>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add(await api.GetAsync($"/client/v4/accounts/{id}/secrets_store/quota", token));
        }

        Assert.All(answers.Take(5), a => Assert.Equal(200, a.Status));
        var refused = answers[5];
        Assert.Equal((429, 971, "Please wait and consider throttling your request speed"), (refused.Status, refused.ErrorCode, refused.ErrorMessage));
        Assert.True(int.Parse(refused.Header("Retry-After")!, System.Globalization.CultureInfo.InvariantCulture) >= 1);

        // The admin token has used two of its own five; the probes are never counted.
        Assert.Equal(200, (await api.GetAsync("/admin/v1/accounts", settings.AdminToken)).Status);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(200, (await api.GetAsync("/healthz", null)).Status);
        }
    }
}
