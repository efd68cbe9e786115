using Microsoft.Extensions.DependencyInjection;
using SecretsStore.Api.Wire;
using SecretsStore.Silo.Hosting;
using SecretsStore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SecretsStore.Tests.Security;

/// <summary>
/// Review finding 11: each body was buffered at its announced Content-Length before any byte came, so a few dozen
/// connections announcing 8 MiB and trickling could take a gateway's memory, while nothing bounded how many there were.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class SlowBodyFloodTests(AppFixture app, ITestOutputHelper output)
{
    private const int Flood = 32;
    private const long Announced = RequestBody.MaxBytes;

    /// <summary>Three times the server's minimum rate: the flood stays connected however long the test takes.</summary>
    private const int TrickleRate = 48 * 1024;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task ASlowBodyFloodHoldsLittleMemoryAndOtherRequestsGoOnBeingAnswered()
    {
        var attacker = await app.NewAccountAsync();
        var target = await app.Api.CreateStoreAsync(attacker);
        var victim = await app.NewAccountAsync();
        var victimStore = await app.Api.CreateStoreAsync(victim);
        var reads = app.App.Web.Services.GetRequiredService<BodyReads>();
        var before = GC.GetTotalMemory(forceFullCollection: true);

        var flood = new List<TrickledBody>();
        try
        {
            for (var i = 0; i < Flood; i++)
            {
                flood.Add(await TrickledBody.StartAsync(app.App.BaseAddress, $"{attacker.Base}/stores/{target}/secrets", attacker.WriteToken, Announced, TrickleRate));
            }

            await WaitUntilAsync(() => reads.InProgress >= Flood, $"all {Flood} trickled bodies are being read");
            var during = GC.GetTotalMemory(forceFullCollection: true);
            var grown = during - before;
            output.WriteLine($"{Flood} bodies announcing {Announced / (1024 * 1024)} MiB each: managed memory grew {grown / 1024.0 / 1024:F1} MiB");
            // Buffered at their announced length, they would hold Flood × 8 MiB = 256 MiB.
            Assert.True(grown < Flood * Announced / 4, $"managed memory grew {grown:N0} bytes while {Flood} bodies trickled in");

            // Meanwhile everyone else is answered, body-carrying requests included.
            var created = await app.Api.PostAsync($"{victim.Base}/stores/{victimStore}/secrets", victim.WriteToken,
                new[] { new { name = "DURING_FLOOD", value = "v", scopes = new[] { "workers" } } });
            Assert.True(created.Status == 200, $"a create during the flood answered {created.Status}: {created.Body}");
            var path = $"{victim.Base}/stores/{victimStore}/secrets/{created.Result[0].GetProperty("id").GetString()}";
            Assert.Equal(200, (await app.Api.PatchAsync(path, victim.WriteToken, new { comment = "still answered" })).Status);
            Assert.Equal(200, (await app.Api.GetAsync($"{victim.Base}/stores/{victimStore}/secrets", victim.ReadToken)).Status);
        }
        finally
        {
            foreach (var body in flood)
            {
                await body.DisposeAsync();
            }
        }

        await WaitUntilAsync(() => reads.InProgress == 0, "every trickled body's read ended with its connection");
    }

    [Fact]
    public async Task PastTheProcessBoundABodyIsThrottledWithRetryAfterAndReadsGoOn()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("bodies"));
        await using var host = await TestHost.StartAsync(settings, "--SecretsStore:Bodies:MaxConcurrentReads=2");
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var api = new ApiClient(http);
        var account = await AppFixture.NewAccountAsync(api, settings.AdminToken);
        var store = await api.CreateStoreAsync(account);
        var secrets = $"{account.Base}/stores/{store}/secrets";
        var reads = host.Web.Services.GetRequiredService<BodyReads>();
        object[] oneSecret = [new { name = "AFTER", value = "v", scopes = new[] { "workers" } }];

        await using (var first = await TrickledBody.StartAsync(host.BaseAddress, secrets, account.WriteToken, Announced, TrickleRate))
        await using (var second = await TrickledBody.StartAsync(host.BaseAddress, secrets, account.WriteToken, Announced, TrickleRate))
        {
            await WaitUntilAsync(() => reads.InProgress == 2, "both trickled bodies are being read");

            var refused = await api.PostAsync(secrets, account.WriteToken, oneSecret);
            Assert.Equal((429, 971), (refused.Status, refused.ErrorCode));
            Assert.StartsWith("Please wait and consider throttling your request speed", refused.ErrorMessage, StringComparison.Ordinal);
            Assert.Equal("1", refused.Header("Retry-After"));
            Assert.Equal(200, (await api.GetAsync(secrets, account.ReadToken)).Status);
        }

        await WaitUntilAsync(() => reads.InProgress == 0, "the trickled bodies' reads ended with their connections");
        Assert.Equal(200, (await api.PostAsync(secrets, account.WriteToken, oneSecret)).Status);
        Assert.Equal(["AFTER"], (await api.GetAsync(secrets, account.ReadToken)).Names());
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"waited {Patience.TotalSeconds:F0} s for this: {what}");
            await Task.Delay(20);
        }
    }
}
