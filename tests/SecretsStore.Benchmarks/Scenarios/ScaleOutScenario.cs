using SecretsStore.Benchmarks.Tools;

namespace SecretsStore.Benchmarks.Scenarios;

/// <summary>
/// GETs and durable creates through one standalone gateway in front of 1, 2 and 3 silo processes, and through one
/// combined process (silo and API together), each on a database of its own, every figure as a ratio to the one-silo
/// cluster's in the same run. Every process runs on the same machine, so with fewer cores than processes the figures
/// show what a silo and the extra hop cost, not how the service scales; the CPU per request of all processes together
/// says where the time goes.
/// </summary>
public static class ScaleOutScenario
{
    private const int Stores = 64;

    private sealed record Shape(string Name, int Silos);

    private sealed record Measured(Shape Shape, List<MeteredCluster> Gets, List<MeteredCluster> Creates);

    private sealed record MeteredCluster(WrkResult Wrk, TimeSpan CpuPerRequest);

    public static async Task<IReadOnlyList<BenchmarkRow>> RunAsync(BenchmarkContext context, Action<string> log)
    {
        Shape[] shapes = [new("1 silo + gateway", 1), new("2 silos + gateway", 2), new("3 silos + gateway", 3), new("1 combined process", 0)];
        var measured = new List<Measured>();
        foreach (var shape in shapes)
        {
            await using var cluster = await LocalCluster.StartAsync(context, shape.Silos);
            var account = await cluster.Client.NewAccountAsync();
            var stores = new List<string>();
            var secrets = new List<string>();
            for (var i = 0; i < Stores; i++)
            {
                var store = await cluster.Client.NewStoreAsync(account, $"scale{i}");
                var secret = (await cluster.Client.SendAsync(HttpMethod.Post, $"{account.Base}/stores/{store}/secrets", account.Token,
                    new[] { new { name = "DATABASE_URL", value = "postgres://bench", scopes = new[] { "workers" } } }))[0];
                stores.Add(store);
                secrets.Add($"{account.Base}/stores/{store}/secrets/{secret.GetProperty("id").GetString()}");
            }

            var gets = LuaScripts.AuthorizedGets(account.Token, secrets);
            await WarmAsync(context, shape, "GET", duration => Wrk.RunAsync(cluster.BaseAddress, context.Connections, duration, gets), log);
            var warm = 0;
            await WarmAsync(context, shape, "creates", duration =>
                Wrk.RunAsync(cluster.BaseAddress, context.Connections, duration, LuaScripts.CreateSecrets(account, stores, $"warm{warm++}")), log);
            var result = new Measured(shape, [], []);
            for (var round = 0; round < context.Rounds; round++)
            {
                result.Gets.Add(await MeterAsync(cluster, () => Wrk.RunAsync(cluster.BaseAddress, context.Connections, context.Duration, gets)));
                result.Creates.Add(await MeterAsync(cluster, () =>
                    Wrk.RunAsync(cluster.BaseAddress, context.Connections, context.Duration, LuaScripts.CreateSecrets(account, stores, $"r{round}"))));
                log($"  {shape.Name}, round {round + 1}: GET {Describe(result.Gets[^1])}, creates {Describe(result.Creates[^1])}");
            }

            measured.Add(result);
        }

        var one = measured[0];
        return
        [
            .. measured.Select(m => Row("GET one secret of 64 stores", m, one, m.Gets, one.Gets, "req/s")),
            .. measured.Select(m => Row("durable creates over 64 stores", m, one, m.Creates, one.Creates, "creates/s")),
        ];
    }

    private static BenchmarkRow Row(string what, Measured m, Measured one, List<MeteredCluster> runs, List<MeteredCluster> baseline, string unit)
    {
        var rate = Figures.Median(runs.Select(r => r.Wrk.RequestsPerSecond));
        var baseRate = Figures.Median(baseline.Select(r => r.Wrk.RequestsPerSecond));
        var cpu = TimeSpan.FromTicks((long)Figures.Median(runs.Select(r => (double)r.CpuPerRequest.Ticks)));
        return new BenchmarkRow(
            $"{what}, {m.Shape.Name}, {Environment.ProcessorCount} cores{GetScenario.Failures(runs.Select(r => r.Wrk))}",
            $"{Figures.Rate(rate, unit)} ({cpu.TotalMicroseconds:N0} µs CPU/req, all processes)",
            $"{one.Shape.Name}: {Figures.Rate(baseRate, unit)}",
            Figures.Ratio(rate / baseRate),
            Figures.Time(Figures.Median(runs.Select(r => r.Wrk.P50))),
            Figures.Time(Figures.Median(runs.Select(r => r.Wrk.P99))));
    }

    /// <summary>
    /// Fresh processes on a busy machine took three 8 s rounds to reach their rate (the JIT's later tiers compile in
    /// the background, which a loaded machine starves). A load runs at least three times, then until its rate stops
    /// climbing, at most eight times: one noisy dip must not end the warm-up early.
    /// </summary>
    private static async Task WarmAsync(BenchmarkContext context, Shape shape, string what, Func<TimeSpan, Task<WrkResult>> run, Action<string> log)
    {
        var duration = context.Smoke ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(4);
        var best = 0.0;
        for (var i = 0; i < (context.Smoke ? 1 : 8); i++)
        {
            var rate = (await run(duration)).RequestsPerSecond;
            log($"  {shape.Name}, warming {what}: {rate:N0}/s");
            if (i >= 2 && rate < best * 1.1)
            {
                return;
            }

            best = Math.Max(best, rate);
        }
    }

    /// <summary>A load, and the processor time every process of the cluster spent per request answered.</summary>
    private static async Task<MeteredCluster> MeterAsync(LocalCluster cluster, Func<Task<WrkResult>> run)
    {
        var before = cluster.ProcessorTime;
        var result = await run();
        return new MeteredCluster(result, (cluster.ProcessorTime - before) / Math.Max(1, result.Requests));
    }

    private static string Describe(MeteredCluster run) =>
        $"{run.Wrk.RequestsPerSecond:N0}/s ({run.CpuPerRequest.TotalMicroseconds:N0} µs CPU/req)";
}
