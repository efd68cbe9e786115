using SecretsStore.Benchmarks.Tools;

namespace SecretsStore.Benchmarks.Scenarios;

/// <summary>
/// Reading one secret's metadata at full load against Kestrel serving the same bytes, then at half the service's
/// peak rate, where a request should wait for nothing but its own work. The full-load row also shows the bytes each
/// request allocates, the service's and (in the baseline column) bare Kestrel's. A third server, Kestrel making one
/// call to a grain that returns the same bytes, measures the ceiling the gateway-to-grain design sets.
/// </summary>
public static class GetScenario
{
    public static async Task<IReadOnlyList<BenchmarkRow>> RunAsync(BenchmarkContext context, Action<string> log)
    {
        await using var service = await ServiceUnderTest.StartAsync(context);
        var account = await service.NewAccountAsync();
        var store = await service.NewStoreAsync(account, "get");
        var secret = (await service.SendAsync(HttpMethod.Post, $"{account.Base}/stores/{store}/secrets", account.Token,
            new[] { new { name = "DATABASE_URL", value = "postgres://bench", scopes = new[] { "workers" }, comment = "benchmark" } }))[0];
        var path = $"{account.Base}/stores/{store}/secrets/{secret.GetProperty("id").GetString()}";
        var url = new Uri(service.BaseAddress, path);
        var json = await service.GetBytesAsync(path, account.Token);
        await using var bare = await FixedJsonServer.BareAsync(json);
        await using var ceiling = await FixedJsonServer.WithOneGrainCallAsync(json);
        var script = LuaScripts.AuthorizedGet(account.Token);

        // Both warm up (JIT, connection pools) before anything is timed.
        await Wrk.RunAsync(bare.Address, context.Connections, TimeSpan.FromSeconds(2));
        await Wrk.RunAsync(ceiling.Address, context.Connections, TimeSpan.FromSeconds(2));
        await Wrk.RunAsync(url, context.Connections, TimeSpan.FromSeconds(2), script);

        var baselineRuns = new List<MeteredRun>();
        var ceilingRuns = new List<MeteredRun>();
        var measuredRuns = new List<MeteredRun>();
        for (var round = 0; round < context.Rounds; round++)
        {
            baselineRuns.Add(await Allocations.PerRequestAsync(() => Wrk.RunAsync(bare.Address, context.Connections, context.Duration)));
            ceilingRuns.Add(await Allocations.PerRequestAsync(() => Wrk.RunAsync(ceiling.Address, context.Connections, context.Duration)));
            measuredRuns.Add(await Allocations.PerRequestAsync(() => Wrk.RunAsync(url, context.Connections, context.Duration, script)));
            log($"  round {round + 1}: bare {Describe(baselineRuns[^1])}, one grain call {Describe(ceilingRuns[^1])}, service {Describe(measuredRuns[^1])}");
        }

        var measured = measuredRuns.Select(r => r.Wrk).ToList();
        var peak = Figures.Median(measured.Select(m => m.RequestsPerSecond));
        var bareRate = Figures.Median(baselineRuns.Select(b => b.Wrk.RequestsPerSecond));
        var ceilingRate = Figures.Median(ceilingRuns.Select(c => c.Wrk.RequestsPerSecond));
        var paced = await PacedAsync(url, account.Token, context, peak / 2, log);
        return
        [
            new BenchmarkRow(
                $"GET one secret, {context.Connections} connections{Failures(measured)}",
                Figures.Rate(peak), $"bare Kestrel, same JSON: {Figures.Rate(bareRate)}, {Allocations.PerRequest(baselineRuns)}", Figures.Ratio(peak / bareRate),
                Figures.Time(Figures.Median(measured.Select(m => m.P50))), Figures.Time(Figures.Median(measured.Select(m => m.P99))), "≥ 0.6",
                Allocations.PerRequest(measuredRuns)),
            new BenchmarkRow(
                $"GET ceiling of the design: Kestrel making one call to an in-memory grain, same JSON, {context.Connections} connections{Failures(ceilingRuns.Select(c => c.Wrk))}",
                Figures.Rate(ceilingRate), $"bare Kestrel: {Figures.Rate(bareRate)}", Figures.Ratio(ceilingRate / bareRate),
                Figures.Time(Figures.Median(ceilingRuns.Select(c => c.Wrk.P50))), Figures.Time(Figures.Median(ceilingRuns.Select(c => c.Wrk.P99))),
                Allocated: Allocations.PerRequest(ceilingRuns)),
            new BenchmarkRow(
                "GET one secret ÷ that ceiling (what credentials, rate limit, routing, the store's checks and the envelope cost)",
                Figures.Rate(peak), $"one grain call: {Figures.Rate(ceilingRate)}", Figures.Ratio(peak / ceilingRate)),
            new BenchmarkRow(
                $"GET one secret at half the peak rate ({Figures.Rate(paced.RequestsPerSecond)} reached){Failures([paced])}",
                Figures.Rate(paced.RequestsPerSecond), P50: Figures.Time(paced.P50), P99: Figures.Time(paced.P99), Goal: "p99 < 5 ms"),
        ];
    }

    /// <summary>
    /// wrk holds each connection idle for a fixed delay between requests; the delay is set from the target rate,
    /// then corrected once from the rate it reached.
    /// </summary>
    private static async Task<WrkResult> PacedAsync(Uri url, string token, BenchmarkContext context, double target, Action<string> log)
    {
        var connections = context.Connections;
        var delay = Math.Max(1, Math.Round((1000.0 * connections / target) - 0.5));
        var result = await Wrk.RunAsync(url, connections, context.Duration, LuaScripts.AuthorizedGet(token, delay));
        log($"  paced: delay {delay} ms gave {result.RequestsPerSecond:N0} req/s for a target of {target:N0}");
        if (Math.Abs(result.RequestsPerSecond - target) / target > 0.1)
        {
            delay = Math.Max(1, Math.Round(delay * result.RequestsPerSecond / target));
            result = await Wrk.RunAsync(url, connections, context.Duration, LuaScripts.AuthorizedGet(token, delay));
            log($"  paced: delay {delay} ms gave {result.RequestsPerSecond:N0} req/s");
        }

        return result;
    }

    private static string Describe(MeteredRun run) =>
        $"{run.Wrk.RequestsPerSecond:N0} req/s ({run.BytesPerRequest:N0} B/req, {run.CpuPerRequest.TotalMicroseconds:N0} µs CPU/req)";

    public static string Failures(IEnumerable<WrkResult> results) =>
        results.Sum(r => r.Failures) is var failed and > 0 ? $" — {failed} FAILED" : "";
}
