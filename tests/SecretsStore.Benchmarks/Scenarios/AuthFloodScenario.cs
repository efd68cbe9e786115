using SecretsStore.Api.Access;
using SecretsStore.Benchmarks.Tools;

namespace SecretsStore.Benchmarks.Scenarios;

/// <summary>
/// What a flood of random bearer tokens costs the clients with real ones (issue 16, "refusing unknown credentials
/// costs almost nothing"). Rounds alternate: a real token's GET alone, then the same GET while as many connections
/// again send random tokens to the same route from the same address (refused 401, then 429 once the address is over
/// its limit of failed authentications), then while they send them from random forwarded addresses, so that no
/// address reaches its limit and every token is looked up once. The service runs with its default limit of failed
/// authentications and its default delay before each refusal, and trusts 127.0.0.1 as a balancer for the forwarded addresses. Also counts the rate-limit
/// grains active before and after the floods: a credential that names nothing must activate none.
/// </summary>
public static class AuthFloodScenario
{
    public static async Task<IReadOnlyList<BenchmarkRow>> RunAsync(BenchmarkContext context, Action<string> log)
    {
        await using var service = await ServiceUnderTest.StartAsync(context,
            "--SecretsStore:RateLimit:FailedAuthentications=100", "--SecretsStore:ForwardedHeaders:KnownProxies:0=127.0.0.1",
            $"--SecretsStore:RateLimit:FailedAuthenticationDelay={new RateLimitOptions().FailedAuthenticationDelay:c}");
        var account = await service.NewAccountAsync();
        var store = await service.NewStoreAsync(account, "flood");
        var secret = (await service.SendAsync(HttpMethod.Post, $"{account.Base}/stores/{store}/secrets", account.Token,
            new[] { new { name = "DATABASE_URL", value = "postgres://bench", scopes = new[] { "workers" } } }))[0];
        var path = $"{account.Base}/stores/{store}/secrets/{secret.GetProperty("id").GetString()}";
        var url = new Uri(service.BaseAddress, path);
        var real = LuaScripts.AuthorizedGet(account.Token);
        var connections = context.Connections;

        // A fresh process is slow for its first seconds under each kind of request (JIT, pools): warm all three loads
        // before any is timed, or the first round compares a cold GET with a warm one.
        var warmUp = context.Smoke ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(4);
        for (var pass = 0; pass < (context.Smoke ? 1 : 2); pass++)
        {
            await Wrk.RunAsync(url, connections, warmUp, real);
            await UnderFloodAsync(url, path, real, connections, warmUp, spreadAddresses: false);
            await UnderFloodAsync(url, path, real, connections, warmUp, spreadAddresses: true);
        }

        var before = await service.BudgetGrainActivationsAsync();
        var quiet = new List<WrkResult>();
        var sameAddress = new List<(WrkResult Real, WrkResult Flood)>();
        var spread = new List<(WrkResult Real, WrkResult Flood)>();
        for (var round = 0; round < context.Rounds; round++)
        {
            quiet.Add(await Wrk.RunAsync(url, connections, context.Duration, real));
            sameAddress.Add(await UnderFloodAsync(url, path, real, connections, context.Duration, spreadAddresses: false));
            spread.Add(await UnderFloodAsync(url, path, real, connections, context.Duration, spreadAddresses: true));
            var alone = quiet[^1].RequestsPerSecond;
            log($"  round {round + 1}: alone {alone:N0} req/s; "
                + $"flooded from one address {sameAddress[^1].Real.RequestsPerSecond:N0} req/s ({sameAddress[^1].Real.RequestsPerSecond / alone:0.00}; "
                + $"flood answered {sameAddress[^1].Flood.RequestsPerSecond:N0} req/s); "
                + $"from random addresses {spread[^1].Real.RequestsPerSecond:N0} req/s ({spread[^1].Real.RequestsPerSecond / alone:0.00}; "
                + $"flood answered {spread[^1].Flood.RequestsPerSecond:N0} req/s)");
        }

        var after = await service.BudgetGrainActivationsAsync();
        var aloneRate = Figures.Median(quiet.Select(q => q.RequestsPerSecond));
        var tokens = sameAddress.Concat(spread).Sum(f => f.Flood.Requests);
        return
        [
            Row($"GET one secret while {connections} connections send random tokens from its address, {connections} connections", sameAddress, aloneRate, "≥ 0.5"),
            Row($"GET one secret while {connections} connections send random tokens from random forwarded addresses (each looked up once), {connections} connections",
                spread, aloneRate, "–"),
            new BenchmarkRow(
                $"rate-limit grain activations after {tokens:N0} random tokens", $"{after}", $"before the floods: {before}", Goal: "no growth"),
        ];
    }

    private static async Task<(WrkResult Real, WrkResult Flood)> UnderFloodAsync(
        Uri url, string path, string real, int connections, TimeSpan duration, bool spreadAddresses)
    {
        var flood = Wrk.RunAsync(url, connections, duration, LuaScripts.RandomTokens(path, spreadAddresses));
        var measured = Wrk.RunAsync(url, connections, duration, real);
        return (await measured, await flood);
    }

    private static BenchmarkRow Row(string scenario, List<(WrkResult Real, WrkResult Flood)> runs, double alone, string goal)
    {
        var rate = Figures.Median(runs.Select(r => r.Real.RequestsPerSecond));
        var floodRate = Figures.Median(runs.Select(r => r.Flood.RequestsPerSecond));
        return new BenchmarkRow(
            scenario + GetScenario.Failures(runs.Select(r => r.Real)),
            Figures.Rate(rate), $"alone: {Figures.Rate(alone)}; the flood was answered at {Figures.Rate(floodRate)}", Figures.Ratio(rate / alone),
            Figures.Time(Figures.Median(runs.Select(r => r.Real.P50))), Figures.Time(Figures.Median(runs.Select(r => r.Real.P99))), goal);
    }
}
