using static SecretsStore.Benchmarks.Tools.Figures;

namespace SecretsStore.Benchmarks.Scenarios.StorageDesigns;

/// <summary>
/// Creates, one secret per call, from <see cref="BenchmarkContext.Connections"/> callers into one store and into
/// 64: the rate, the latency, and the WAL bytes per create. Each round runs every load once on fresh stores, the
/// two designs in alternating order; rates are medians of the rounds, latencies pooled over them.
/// </summary>
internal static class CreateLoadMeasure
{
    private const int WideStores = 64;

    private sealed record Run(LoadResult Load, long WalBytes);

    public static async Task<IReadOnlyList<BenchmarkRow>> RunAsync(
        BenchmarkContext context, DesignSilo silo, WalMeter wal, IStorageDesign ours, IStorageDesign prototype, Action<string> log)
    {
        // The context's duration is the whole time a design spends on one load, split over the rounds.
        var slice = context.Duration / context.Rounds;
        var storeCounts = new[] { 1, WideStores };
        var runs = storeCounts.SelectMany(n => new[] { ours, prototype }.Select(d => (n, d))).ToDictionary(k => k, _ => new List<Run>());
        for (var round = 0; round < context.Rounds; round++)
        {
            foreach (var stores in storeCounts)
            {
                foreach (var design in round % 2 == 0 ? new[] { ours, prototype } : [prototype, ours])
                {
                    var run = await RunOnceAsync(context.Connections, slice, silo, wal, design, stores, log);
                    runs[(stores, design)].Add(run);
                }
            }
        }

        var rows = new List<BenchmarkRow>();
        foreach (var stores in storeCounts)
        {
            var label = stores == 1 ? "1 store" : $"{stores} stores";
            var (o, p) = (runs[(stores, ours)], runs[(stores, prototype)]);
            var (oursRate, prototypeRate) = (Median(o.Select(r => r.Load.PerSecond)), Median(p.Select(r => r.Load.PerSecond)));
            var (oursLatency, prototypeLatency) = (LoadResult.Pool(o.Select(r => r.Load).ToList()), LoadResult.Pool(p.Select(r => r.Load).ToList()));
            var (oursBytes, prototypeBytes) = (BytesPerCreate(o), BytesPerCreate(p));
            rows.Add(new BenchmarkRow(
                $"storage-designs: creates/s, {context.Connections} callers, {label}",
                Rate(oursRate, "creates/s"), Rate(prototypeRate, "creates/s"), Ratio(oursRate / prototypeRate),
                Time(oursLatency.Percentile(0.50)), Time(oursLatency.Percentile(0.99))));
            foreach (var (name, fraction) in new[] { ("p50", 0.50), ("p99", 0.99) })
            {
                var (mine, theirs) = (oursLatency.Percentile(fraction), prototypeLatency.Percentile(fraction));
                rows.Add(new BenchmarkRow(
                    $"storage-designs: create latency {name}, {label} (ratio = prototype / ours)",
                    Time(mine), Time(theirs), Ratio(theirs / mine)));
            }

            rows.Add(new BenchmarkRow(
                $"storage-designs: WAL bytes per create, {label} (ratio = prototype / ours)",
                Bytes(oursBytes), Bytes(prototypeBytes), Ratio(prototypeBytes / oursBytes)));
        }

        return rows;
    }

    private static async Task<Run> RunOnceAsync(
        int callers, TimeSpan duration, DesignSilo silo, WalMeter wal, IStorageDesign design, int storeCount, Action<string> log)
    {
        var stores = new List<Guid>();
        for (var i = 0; i < storeCount; i++)
        {
            stores.Add(await design.NewStoreAsync());
        }

        var before = silo.EventLog.Counters;
        var (load, bytes) = await wal.MeasureAsync(() => TimedLoad.RunAsync(
            callers, duration, (caller, call) => design.CreateAsync(stores[caller % stores.Count], [$"c{caller}-{call}"])));
        var after = silo.EventLog.Counters;

        var batching = after.Appends > before.Appends
            ? $", {(double)(after.Events - before.Events) / (after.Appends - before.Appends):0.0} events per storage write, "
              + $"{after.Snapshots - before.Snapshots} snapshots"
            : "";
        log($"  {design.Name}, {storeCount} store(s): {load.PerSecond:N0} creates/s, p50 {Time(load.Percentile(0.5))}, "
            + $"p99 {Time(load.Percentile(0.99))}, {Bytes((double)bytes / load.Calls)} of WAL per create{batching}");
        return new Run(load, bytes);
    }

    private static double BytesPerCreate(List<Run> runs) => (double)runs.Sum(r => r.WalBytes) / runs.Sum(r => r.Load.Calls);
}
