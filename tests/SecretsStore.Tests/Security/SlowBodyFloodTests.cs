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
    private const int Attackers = 3;
    private const int ConnectionsEach = 16;
    private const long Announced = RequestBody.MaxBytes;

    /// <summary>Three times the server's minimum rate: the flood stays connected however long the test takes.</summary>
    private const int TrickleRate = 48 * 1024;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task ASlowBodyFloodHoldsLittleMemoryAndOtherRequestsGoOnBeingAnswered()
    {
        var attackers = new List<(TestAccount Account, string Store)>();
        for (var i = 0; i < Attackers; i++)
        {
            var account = await app.NewAccountAsync();
            attackers.Add((account, await app.Api.CreateStoreAsync(account)));
        }

        var victim = await app.NewAccountAsync();
        var victimStore = await app.Api.CreateStoreAsync(victim);
        var reads = app.App.Web.Services.GetRequiredService<BodyReads>();
        var admitted = Attackers * new BodyOptions().MaxConcurrentReadsPerCredential;
        var before = GC.GetTotalMemory(forceFullCollection: true);

        var flood = new List<TrickledBody>();
        try
        {
            foreach (var (account, store) in attackers)
            {
                for (var i = 0; i < ConnectionsEach; i++)
                {
                    flood.Add(await TrickledBody.StartAsync(app.App.BaseAddress, $"{account.Base}/stores/{store}/secrets", account.WriteToken, Announced, TrickleRate));
                }
            }

            // Each attacker's credential gets its share of places; the rest of its connections were refused at once.
            await WaitUntilAsync(() => reads.InProgress >= admitted, $"{admitted} trickled bodies are being read");
            var during = GC.GetTotalMemory(forceFullCollection: true);
            var grown = during - before;
            output.WriteLine($"{flood.Count} connections announcing {Announced / (1024 * 1024)} MiB each, {reads.InProgress} of them read: managed memory grew {grown / 1024.0 / 1024:F1} MiB");
            // Buffered at their announced length, as they were, they would hold 48 × 8 MiB = 384 MiB.
            Assert.True(grown < flood.Count * Announced / 6, $"managed memory grew {grown:N0} bytes during the flood");

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
    public async Task PastEitherBoundABodyIsThrottledWithRetryAfterAndOthersGoOn()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("bodies"));
        await using var host = await TestHost.StartAsync(settings,
            "--SecretsStore:Bodies:MaxConcurrentReads=3", "--SecretsStore:Bodies:MaxConcurrentReadsPerCredential=2");
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var api = new ApiClient(http);
        var (a, b, c) = (await NewWriterAsync(api, settings), await NewWriterAsync(api, settings), await NewWriterAsync(api, settings));
        var reads = host.Web.Services.GetRequiredService<BodyReads>();
        object[] oneSecret = [new { name = "ONE", value = "v", scopes = new[] { "workers" } }];

        await using (await TrickledBody.StartAsync(host.BaseAddress, a.Secrets, a.Account.WriteToken, Announced, TrickleRate))
        await using (await TrickledBody.StartAsync(host.BaseAddress, a.Secrets, a.Account.WriteToken, Announced, TrickleRate))
        {
            await WaitUntilAsync(() => reads.InProgress == 2, "a's two trickled bodies are being read");
            await using (var third = await TrickledBody.StartAsync(host.BaseAddress, a.Secrets, a.Account.WriteToken, Announced, TrickleRate))
            {
                await AssertThrottledAsync(third);
            }

            // A body that arrived whole waits on nothing: a's own is served while its places are taken.
            Assert.Equal(200, (await api.PostAsync(a.Secrets, a.Account.WriteToken, oneSecret)).Status);
            Assert.Equal(200, (await api.PostAsync(b.Secrets, b.Account.WriteToken, oneSecret)).Status);

            await using (await TrickledBody.StartAsync(host.BaseAddress, b.Secrets, b.Account.WriteToken, Announced, TrickleRate))
            {
                await WaitUntilAsync(() => reads.InProgress == 3, "three trickled bodies are being read");
                await using (var fourth = await TrickledBody.StartAsync(host.BaseAddress, c.Secrets, c.Account.WriteToken, Announced, TrickleRate))
                {
                    await AssertThrottledAsync(fourth);
                }

                Assert.Equal(200, (await api.PostAsync(c.Secrets, c.Account.WriteToken, oneSecret)).Status);
                Assert.Equal(200, (await api.GetAsync(c.Secrets, c.Account.ReadToken)).Status);
            }
        }

        await WaitUntilAsync(() => reads.InProgress == 0, "the trickled bodies' reads ended with their connections");
        Assert.Equal(["ONE"], (await api.GetAsync(c.Secrets, c.Account.ReadToken)).Names());
        Assert.Equal(["ONE"], (await api.GetAsync(a.Secrets, a.Account.ReadToken)).Names());
    }

    /// <summary>Answered before its body came: 429 with Retry-After, in the envelope's words.</summary>
    private static async Task AssertThrottledAsync(TrickledBody refused)
    {
        var (status, head) = await refused.AnswerAsync(Patience);
        Assert.True(status == 429, $"a body still arriving past the bound was answered {status}:\n{head}");
        Assert.Contains("\r\nRetry-After: 1\r\n", head, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<(TestAccount Account, string Secrets)> NewWriterAsync(ApiClient api, TestHostSettings settings)
    {
        var account = await AppFixture.NewAccountAsync(api, settings.AdminToken);
        return (account, $"{account.Base}/stores/{await api.CreateStoreAsync(account)}/secrets");
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
