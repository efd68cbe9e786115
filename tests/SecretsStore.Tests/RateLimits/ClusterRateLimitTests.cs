using System.Globalization;
using SecretsStore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SecretsStore.Tests.RateLimits;

/// <summary>Two silo processes, each co-hosting a gateway, hold one budget per credential between them.</summary>
[Collection(FaultCollection.Name)]
public sealed class ClusterRateLimitTests(ITestOutputHelper output)
{
    private const int Budget = 200;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ACredentialsBudgetHoldsWithinTenPercentAcrossBothGatewaysLeavesOtherCredentialsAloneAndRefillsAfterTheWindow()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("clusterlimit"));
        var cluster = $"limit-{Guid.NewGuid():N}";
        string[] limit = [$"--SecretsStore:RateLimit:Requests={Budget}", $"--SecretsStore:RateLimit:Window={Window:c}"];
        await using var first = await SiloProcess.StartAsync(settings, cluster, limit);
        await using var second = await SiloProcess.StartAsync(settings, cluster, limit);
        using var firstHttp = new HttpClient { BaseAddress = first.BaseAddress };
        using var secondHttp = new HttpClient { BaseAddress = second.BaseAddress };
        ApiClient[] gateways = [new(firstHttp), new(secondHttp)];
        var account = await AppFixture.NewAccountAsync(gateways[0], settings.AdminToken);

        // Twice the budget, half through each gateway: counted per process, every one of them would pass.
        var spent = await SpendAsync(gateways, $"{account.Base}/quota", account.ReadToken, 2 * Budget);
        AssertBudgetHeld(spent, "the first window");

        var other = await SpendAsync(gateways, $"{account.Base}/quota", account.WriteToken, 20);
        Assert.All(other, a => Assert.Equal(200, a.Answer.Status));

        await Task.Delay(Window + TimeSpan.FromSeconds(1));
        var refilled = await SpendAsync(gateways, $"{account.Base}/quota", account.ReadToken, 2 * Budget);
        AssertBudgetHeld(refilled, "the window after");
    }

    [Fact]
    public async Task AfterKillNineOfTheSiloHoldingTheBudgetsTheOtherGatewayStillAdmitsRequestsWithinItsShare()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("limitfailover"));
        var cluster = $"limitfailover-{Guid.NewGuid():N}";
        // Leases of one permit: every request asks its credential's grain.
        string[] limit = ["--SecretsStore:RateLimit:Requests=20", $"--SecretsStore:RateLimit:Window={Window:c}"];
        await using var killed = await SiloProcess.StartAsync(settings, cluster, limit);
        await using var surviving = await SiloProcess.StartAsync(settings, cluster, limit);
        using var killedHttp = new HttpClient { BaseAddress = killed.BaseAddress };
        using var survivingHttp = new HttpClient { BaseAddress = surviving.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var (viaKilled, viaSurviving) = (new ApiClient(killedHttp), new ApiClient(survivingHttp));
        var account = await AppFixture.NewAccountAsync(viaSurviving, settings.AdminToken);
        var tokens = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var made = await viaSurviving.PostAsync($"/admin/v1/accounts/{account.Id}/tokens", settings.AdminToken, new { name = $"r{i}", permission = "read" });
            tokens.Add(made.Result.GetProperty("token").GetString()!);
        }

        // A route that calls no grain, so only the rate limit can depend on the dead silo. First asked through the
        // silo about to die, most of the budget grains live there.
        const string verify = "/client/v4/user/tokens/verify";
        foreach (var token in tokens)
        {
            Assert.Equal(200, (await viaKilled.GetAsync(verify, token)).Status);
        }

        killed.Kill();
        var answers = await Task.WhenAll(tokens.Select(async token =>
        {
            var timed = new List<(int Status, TimeSpan Took)>();
            for (var i = 0; i < 5; i++)
            {
                var timer = System.Diagnostics.Stopwatch.StartNew();
                timed.Add(((await viaSurviving.GetAsync(verify, token)).Status, timer.Elapsed));
            }

            return timed;
        }));

        // Six of each credential's ten-permit share (20 ÷ 2 gateways) are used: a lost grain must not refuse them.
        var all = answers.SelectMany(a => a).ToList();
        output.WriteLine(string.Join(", ", all.Select(a => $"{a.Status} in {a.Took.TotalMilliseconds:N0} ms")));
        Assert.All(all, a => Assert.Equal(200, a.Status));
        Assert.All(all, a => Assert.True(a.Took < TimeSpan.FromSeconds(10), $"a request waited {a.Took.TotalSeconds:N1} s"));
    }

    private void AssertBudgetHeld(IReadOnlyList<(int Gateway, ApiResponse Answer)> answers, string when)
    {
        var admitted = answers.Where(a => a.Answer.Status == 200).ToList();
        output.WriteLine($"{when}: {admitted.Count} of {answers.Count} admitted, {admitted.Count(a => a.Gateway == 0)} through the first gateway");
        Assert.InRange(admitted.Count, Budget * 9 / 10, Budget * 11 / 10);
        Assert.Contains(admitted, a => a.Gateway == 0);
        Assert.Contains(admitted, a => a.Gateway == 1);
        Assert.All(answers.Where(a => a.Answer.Status != 200), a =>
        {
            Assert.Equal((429, 971), (a.Answer.Status, a.Answer.ErrorCode));
            Assert.InRange(int.Parse(a.Answer.Header("Retry-After")!, CultureInfo.InvariantCulture), 1, (int)Window.TotalSeconds);
        });
    }

    /// <summary>Sends <paramref name="requests"/> GETs, eight at a time, alternating between the gateways.</summary>
    private static async Task<IReadOnlyList<(int Gateway, ApiResponse Answer)>> SpendAsync(ApiClient[] gateways, string path, string token, int requests)
    {
        var answers = new (int, ApiResponse)[requests];
        await Parallel.ForEachAsync(Enumerable.Range(0, requests), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            answers[i] = (i % gateways.Length, await gateways[i % gateways.Length].GetAsync(path, token)));
        return answers;
    }
}
