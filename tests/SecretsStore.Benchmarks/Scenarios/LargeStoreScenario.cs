using System.Diagnostics;
using SecretsStore.Benchmarks.Tools;

namespace SecretsStore.Benchmarks.Scenarios;

/// <summary>
/// What a store's size costs: create latency in a large store against a tiny one (writes must not depend on size),
/// the time and memory to activate a large store, and listing one page from a store a tenth of its size.
/// </summary>
public static class LargeStoreScenario
{
    public static async Task<IReadOnlyList<BenchmarkRow>> RunAsync(BenchmarkContext context, Action<string> log)
    {
        await using var service = await ServiceUnderTest.StartAsync(context);
        var account = await service.NewAccountAsync();
        var large = await service.NewStoreAsync(account, "large");
        var medium = await service.NewStoreAsync(account, "medium");
        var small = await service.NewStoreAsync(account, "small");
        var fill = Stopwatch.StartNew();
        await service.FillAsync(account, large, context.LargeStore);
        log($"  filled {context.LargeStore:N0} secrets in {fill.Elapsed.TotalSeconds:N1} s");
        await service.FillAsync(account, medium, context.LargeStore / 10);
        await service.FillAsync(account, small, 10);

        // Sequential creates (one connection): the latency of one write, without queueing behind others.
        var inLarge = new List<WrkResult>();
        var inSmall = new List<WrkResult>();
        await Wrk.RunAsync(service.BaseAddress, 1, TimeSpan.FromSeconds(1), LuaScripts.CreateSecrets(account, [small], "warm"), threads: 1);
        for (var round = 0; round < context.Rounds; round++)
        {
            inSmall.Add(await Wrk.RunAsync(service.BaseAddress, 1, context.Duration, LuaScripts.CreateSecrets(account, [small], $"s{round}"), threads: 1));
            inLarge.Add(await Wrk.RunAsync(service.BaseAddress, 1, context.Duration, LuaScripts.CreateSecrets(account, [large], $"l{round}"), threads: 1));
            log($"  round {round + 1}: p50 create {inLarge[^1].P50.TotalMilliseconds:N2} ms in the large store, {inSmall[^1].P50.TotalMilliseconds:N2} ms in the small one");
        }

        var largeP50 = Figures.Median(inLarge.Select(r => r.P50));
        var smallP50 = Figures.Median(inSmall.Select(r => r.P50));
        var (activation, bytes) = await ActivationAsync(service, account, large, context, log);

        var list = new Uri(service.BaseAddress, $"{account.Base}/stores/{medium}/secrets?per_page=100&page=3");
        var listed = await Wrk.RunAsync(list, 1, context.Duration, LuaScripts.AuthorizedGet(account.Token), threads: 1);
        var size = $"{context.LargeStore:N0}";
        return
        [
            new BenchmarkRow(
                $"create latency (p50) in a store of {size} secrets ÷ in a store of 10, one connection{GetScenario.Failures(inLarge.Concat(inSmall))}",
                Figures.Time(largeP50), $"store of 10: {Figures.Time(smallP50)}", Figures.Ratio(largeP50 / smallP50),
                Figures.Time(largeP50), Figures.Time(Figures.Median(inLarge.Select(r => r.P99))), "≤ 2 (lower is better)"),
            new BenchmarkRow($"activation of a store of {size} secrets (first request after deactivation, median of 3)", Figures.Time(activation)),
            new BenchmarkRow($"memory of an active store of {size} secrets", $"{Figures.Bytes(bytes)} ({Figures.Bytes(bytes / context.LargeStore)} per secret)"),
            new BenchmarkRow(
                $"list one page of 100 (page 3, default order) from a store of {context.LargeStore / 10:N0}, one connection{GetScenario.Failures([listed])}",
                Figures.Rate(listed.RequestsPerSecond), P50: Figures.Time(listed.P50), P99: Figures.Time(listed.P99)),
        ];
    }

    /// <summary>Deactivates every idle grain, then times the request that activates the large store again.</summary>
    private static async Task<(TimeSpan Time, double Bytes)> ActivationAsync(
        ServiceUnderTest service, BenchAccount account, string store, BenchmarkContext context, Action<string> log)
    {
        var path = $"{account.Base}/stores/{store}/secrets?per_page=1";
        var management = service.Grains.GetGrain<IManagementGrain>(0);
        var times = new List<TimeSpan>();
        var bytes = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            await management.ForceActivationCollection(TimeSpan.Zero);
            var before = Heap();
            var timer = Stopwatch.StartNew();
            await service.SendAsync(HttpMethod.Get, path, account.Token);
            times.Add(timer.Elapsed);
            bytes.Add(Heap() - before);
            log($"  activation {i + 1}: {timer.Elapsed.TotalMilliseconds:N0} ms, {(bytes[^1] / context.LargeStore):N0} B per secret");
        }

        return (Figures.Median(times), Figures.Median(bytes));
    }

    private static double Heap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
