using SecretsStore.Benchmarks.Tools;

namespace SecretsStore.Benchmarks.Scenarios;

/// <summary>
/// Durable creates, one secret per request, against PostgreSQL's own single-row commit rate at the same
/// concurrency: over 64 stores of one account, into one store, and over 64 stores with the silo's cross-store
/// group commit switched off (one store per transaction), which shows what sharing a transaction is worth. The first
/// two are also run with an Idempotency-Key on every create, in the same rounds, to show what a key costs.
/// </summary>
public static class CreateScenario
{
    public static async Task<IReadOnlyList<BenchmarkRow>> RunAsync(BenchmarkContext context, Action<string> log)
    {
        var pgbench = new List<double>();
        var spread = new List<MeteredRun>();
        var single = new List<MeteredRun>();
        var spreadKeyed = new List<MeteredRun>();
        var singleKeyed = new List<MeteredRun>();
        await using (var service = await ServiceUnderTest.StartAsync(context))
        {
            var account = await service.NewAccountAsync();
            var stores = new List<string>();
            for (var i = 0; i < 64; i++)
            {
                stores.Add(await service.NewStoreAsync(account, $"spread{i}"));
            }

            var one = await service.NewStoreAsync(account, "single");
            await Wrk.RunAsync(service.BaseAddress, context.Connections, TimeSpan.FromSeconds(2), LuaScripts.CreateSecrets(account, stores, "warm"));
            for (var round = 0; round < context.Rounds; round++)
            {
                pgbench.Add(await PgBench.UpsertRateAsync(context, context.Connections, context.Duration));
                spread.Add(await Allocations.PerRequestAsync(() =>
                    Wrk.RunAsync(service.BaseAddress, context.Connections, context.Duration, LuaScripts.CreateSecrets(account, stores, $"s{round}"))));
                single.Add(await Allocations.PerRequestAsync(() =>
                    Wrk.RunAsync(service.BaseAddress, context.Connections, context.Duration, LuaScripts.CreateSecrets(account, [one], $"o{round}"))));
                spreadKeyed.Add(await Allocations.PerRequestAsync(() =>
                    Wrk.RunAsync(service.BaseAddress, context.Connections, context.Duration, LuaScripts.CreateSecrets(account, stores, $"sk{round}", keyed: true))));
                singleKeyed.Add(await Allocations.PerRequestAsync(() =>
                    Wrk.RunAsync(service.BaseAddress, context.Connections, context.Duration, LuaScripts.CreateSecrets(account, [one], $"ok{round}", keyed: true))));
                log($"  round {round + 1}: with Idempotency-Key, 64 stores {spreadKeyed[^1].Wrk.RequestsPerSecond:N0}/s ({spreadKeyed[^1].BytesPerRequest:N0} B/req, " +
                    $"{spreadKeyed[^1].CpuPerRequest.TotalMicroseconds:N0} µs CPU/req), one store {singleKeyed[^1].Wrk.RequestsPerSecond:N0}/s " +
                    $"({singleKeyed[^1].BytesPerRequest:N0} B/req, {singleKeyed[^1].CpuPerRequest.TotalMicroseconds:N0} µs CPU/req)");
                // CPU per request swings far less than the rate on a shared machine: it shows what a change costs the service.
                log($"  round {round + 1}: pgbench {pgbench[^1]:N0} tps, 64 stores {spread[^1].Wrk.RequestsPerSecond:N0}/s ({spread[^1].BytesPerRequest:N0} B/req, " +
                    $"{spread[^1].CpuPerRequest.TotalMicroseconds:N0} µs CPU/req), one store {single[^1].Wrk.RequestsPerSecond:N0}/s " +
                    $"({single[^1].BytesPerRequest:N0} B/req, {single[^1].CpuPerRequest.TotalMicroseconds:N0} µs CPU/req)");
            }
        }

        var unshared = new List<MeteredRun>();
        await using (var service = await ServiceUnderTest.StartAsync(context, "--SecretsStore:Storage:MaxStoresPerCommit=1"))
        {
            var account = await service.NewAccountAsync();
            var stores = new List<string>();
            for (var i = 0; i < 64; i++)
            {
                stores.Add(await service.NewStoreAsync(account, $"spread{i}"));
            }

            for (var round = 0; round < context.Rounds; round++)
            {
                unshared.Add(await Allocations.PerRequestAsync(() =>
                    Wrk.RunAsync(service.BaseAddress, context.Connections, context.Duration, LuaScripts.CreateSecrets(account, stores, $"u{round}"))));
                log($"  round {round + 1}: 64 stores, one store per transaction {unshared[^1].Wrk.RequestsPerSecond:N0}/s ({unshared[^1].BytesPerRequest:N0} B/req)");
            }
        }

        var baseline = Figures.Median(pgbench);
        var baselineText = $"pgbench single-row upsert, {context.Connections} clients: {Figures.Rate(baseline, "tps")}";
        return
        [
            Row($"durable creates over 64 stores, {context.Connections} connections", spread, baseline, baselineText, "≥ 0.5"),
            Row($"durable creates into one store, {context.Connections} connections", single, baseline, baselineText, "≥ 0.3"),
            Row($"durable creates over 64 stores with Idempotency-Key, {context.Connections} connections", spreadKeyed, baseline, baselineText, "≥ 0.9 × without"),
            Row($"durable creates into one store with Idempotency-Key, {context.Connections} connections", singleKeyed, baseline, baselineText, "≥ 0.9 × without"),
            Row("durable creates over 64 stores, one store per transaction (cross-store group commit off)", unshared, baseline, baselineText, "–"),
        ];
    }

    private static BenchmarkRow Row(string scenario, List<MeteredRun> runs, double baseline, string baselineText, string goal)
    {
        var results = runs.Select(r => r.Wrk).ToList();
        var rate = Figures.Median(results.Select(r => r.RequestsPerSecond));
        return new BenchmarkRow(
            scenario + GetScenario.Failures(results), Figures.Rate(rate, "creates/s"), baselineText, Figures.Ratio(rate / baseline),
            Figures.Time(Figures.Median(results.Select(r => r.P50))), Figures.Time(Figures.Median(results.Select(r => r.P99))), goal,
            Allocations.PerRequest(runs));
    }
}
