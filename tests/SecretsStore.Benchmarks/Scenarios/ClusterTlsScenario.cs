using SecretsStore.Benchmarks.Tools;

namespace SecretsStore.Benchmarks.Scenarios;

/// <summary>
/// What mutual TLS on the Orleans links costs where it is paid on every request: GETs and durable creates through a
/// standalone gateway to one silo (two processes, so every request crosses the gateway↔silo link). Two such clusters
/// run side by side, one with cluster TLS and one with <c>SecretsStore:Cluster:AllowInsecure</c>, each on a database of
/// its own; their loads alternate, round after round, in turns that swap which goes first, so that a busy machine
/// slows both alike. The table shows medians, and TLS's figure over plaintext's; the processor time both processes
/// spent per request, which a shared machine disturbs far less than it does the rates, says what TLS adds to each.
/// </summary>
public static class ClusterTlsScenario
{
    private const int Stores = 64;

    private sealed record Side(string Name, LocalCluster Cluster, BenchAccount Account, IReadOnlyList<string> Stores, string Gets)
    {
        public List<Metered> GetRuns { get; } = [];

        public List<Metered> CreateRuns { get; } = [];
    }

    private sealed record Metered(WrkResult Wrk, TimeSpan CpuPerRequest);

    public static async Task<IReadOnlyList<BenchmarkRow>> RunAsync(BenchmarkContext context, Action<string> log)
    {
        await using var secure = await LocalCluster.StartAsync(context, silos: 1);
        await using var plain = await LocalCluster.StartAsync(context, silos: 1, BenchmarkClusterCertificates.InsecureArgs);
        Side[] sides = [await PrepareAsync("cluster TLS", secure), await PrepareAsync("plaintext", plain)];

        await WarmAsync(context, sides, log);

        // Five rounds rather than three: the difference sought is smaller than what a shared machine does to one round.
        for (var round = 0; round < (context.Smoke ? 1 : 5); round++)
        {
            // Odd rounds start with the other side: neither always meets the machine fresh.
            foreach (var side in round % 2 == 0 ? sides : sides.Reverse())
            {
                side.GetRuns.Add(await MeterAsync(side.Cluster, () => Wrk.RunAsync(side.Cluster.BaseAddress, context.Connections, context.Duration, side.Gets)));
                side.CreateRuns.Add(await MeterAsync(side.Cluster, () => Wrk.RunAsync(side.Cluster.BaseAddress, context.Connections, context.Duration,
                    LuaScripts.CreateSecrets(side.Account, side.Stores, $"r{round}"))));
                log($"  {side.Name}, round {round + 1}: GET {Describe(side.GetRuns[^1])}, creates {Describe(side.CreateRuns[^1])}");
            }
        }

        var (tls, insecure) = (sides[0], sides[1]);
        return
        [
            Row("GET one secret of 64 stores, gateway + silo, cluster TLS", tls.GetRuns, insecure.GetRuns, "req/s"),
            Row("durable creates over 64 stores, gateway + silo, cluster TLS", tls.CreateRuns, insecure.CreateRuns, "creates/s"),
        ];
    }

    private static async Task<Side> PrepareAsync(string name, LocalCluster cluster)
    {
        var account = await cluster.Client.NewAccountAsync();
        var stores = new List<string>();
        var secrets = new List<string>();
        for (var i = 0; i < Stores; i++)
        {
            var store = await cluster.Client.NewStoreAsync(account, $"tls{i}");
            var secret = (await cluster.Client.SendAsync(HttpMethod.Post, $"{account.Base}/stores/{store}/secrets", account.Token,
                new[] { new { name = "DATABASE_URL", value = "postgres://bench", scopes = new[] { "workers" } } }))[0];
            stores.Add(store);
            secrets.Add($"{account.Base}/stores/{store}/secrets/{secret.GetProperty("id").GetString()}");
        }

        return new Side(name, cluster, account, stores, LuaScripts.AuthorizedGets(account.Token, secrets));
    }

    /// <summary>
    /// Fresh processes reach their rate only after the JIT's later tiers, which a loaded machine starves: both sides
    /// take turns at GETs and creates at least three times, then until neither side's GET rate still climbs by a tenth,
    /// at most eight times.
    /// </summary>
    private static async Task WarmAsync(BenchmarkContext context, Side[] sides, Action<string> log)
    {
        var duration = context.Smoke ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(4);
        var best = sides.ToDictionary(side => side, _ => 0.0);
        for (var turn = 0; turn < (context.Smoke ? 1 : 8); turn++)
        {
            var climbing = false;
            foreach (var side in sides)
            {
                var gets = await Wrk.RunAsync(side.Cluster.BaseAddress, context.Connections, duration, side.Gets);
                var creates = await Wrk.RunAsync(side.Cluster.BaseAddress, context.Connections, duration,
                    LuaScripts.CreateSecrets(side.Account, side.Stores, $"warm{turn}"));
                log($"  {side.Name}, warming: GET {gets.RequestsPerSecond:N0}/s, creates {creates.RequestsPerSecond:N0}/s");
                climbing |= gets.RequestsPerSecond >= best[side] * 1.1;
                best[side] = Math.Max(best[side], gets.RequestsPerSecond);
            }

            if (turn >= 2 && !climbing)
            {
                return;
            }
        }
    }

    private static BenchmarkRow Row(string what, List<Metered> tls, List<Metered> plain, string unit)
    {
        var rate = Figures.Median(tls.Select(r => r.Wrk.RequestsPerSecond));
        var baseRate = Figures.Median(plain.Select(r => r.Wrk.RequestsPerSecond));
        return new BenchmarkRow(
            $"{what}, {Environment.ProcessorCount} cores{GetScenario.Failures(tls.Concat(plain).Select(r => r.Wrk))}",
            $"{Figures.Rate(rate, unit)} ({Cpu(tls).TotalMicroseconds:N0} µs CPU/req, both processes)",
            $"plaintext (AllowInsecure): {Figures.Rate(baseRate, unit)} ({Cpu(plain).TotalMicroseconds:N0} µs CPU/req), p50 {Figures.Time(Figures.Median(plain.Select(r => r.Wrk.P50)))}, p99 {Figures.Time(Figures.Median(plain.Select(r => r.Wrk.P99)))}",
            Figures.Ratio(rate / baseRate),
            Figures.Time(Figures.Median(tls.Select(r => r.Wrk.P50))),
            Figures.Time(Figures.Median(tls.Select(r => r.Wrk.P99))));
    }

    private static TimeSpan Cpu(List<Metered> runs) => TimeSpan.FromTicks((long)Figures.Median(runs.Select(r => (double)r.CpuPerRequest.Ticks)));

    /// <summary>A load, and the processor time the cluster's processes spent per request answered.</summary>
    private static async Task<Metered> MeterAsync(LocalCluster cluster, Func<Task<WrkResult>> run)
    {
        var before = cluster.ProcessorTime;
        var result = await run();
        return new Metered(result, (cluster.ProcessorTime - before) / Math.Max(1, result.Requests));
    }

    private static string Describe(Metered run) => $"{run.Wrk.RequestsPerSecond:N0}/s ({run.CpuPerRequest.TotalMicroseconds:N0} µs CPU/req)";
}
