using System.Diagnostics;
using static SecretsStore.Benchmarks.Tools.Figures;

namespace SecretsStore.Benchmarks.Scenarios.StorageDesigns;

/// <summary>
/// Fills one store of each design to <see cref="BenchmarkContext.LargeStore"/> secrets, then times its activation
/// (the first call after the silo was told to collect every activation, once the store's grain is gone), then
/// creates into it for a while, one secret per call: what a store that size costs per create.
/// </summary>
internal static class LargeStoreMeasure
{
    private const int FillBatch = 100;
    private const int FillCallers = 4;
    private const int ActivationRuns = 3;

    private static readonly TimeSpan DeactivationLimit = TimeSpan.FromSeconds(30);

    private sealed record Measured(TimeSpan Fill, long WalBytes, TimeSpan Activation, LoadResult Load, long LoadWalBytes);

    public static async Task<IReadOnlyList<BenchmarkRow>> RunAsync(
        BenchmarkContext context, DesignSilo silo, WalMeter wal, IStorageDesign ours, IStorageDesign prototype, Action<string> log)
    {
        var size = context.LargeStore;
        var measured = new Dictionary<IStorageDesign, Measured>();
        foreach (var design in new[] { ours, prototype })
        {
            var storeId = await design.NewStoreAsync();
            var (fill, bytes) = await wal.MeasureAsync(() => FillAsync(design, storeId, size));
            var activations = new List<double>();
            for (var run = 0; run < ActivationRuns; run++)
            {
                activations.Add((await ActivateAsync(silo, design, storeId)).TotalMilliseconds);
            }

            var (load, loadBytes) = await wal.MeasureAsync(() => TimedLoad.RunAsync(
                context.Connections, context.Duration / context.Rounds, (caller, call) => design.CreateAsync(storeId, [$"c{caller}-{call}"])));
            measured[design] = new Measured(fill, bytes, TimeSpan.FromMilliseconds(Median(activations)), load, loadBytes);
            log($"  {design.Name}: filled {size:N0} secrets in {fill.TotalSeconds:0.0} s, {Bytes((double)bytes / size)} of WAL per secret; "
                + $"activations {string.Join(", ", activations.Select(a => $"{a:N0} ms"))}; then {load.PerSecond:N0} creates/s into it, "
                + $"{Bytes((double)loadBytes / load.Calls)} of WAL per create");
        }

        var (snapshotVersion, replayed) = silo.EventLog.LastRead;
        log($"  event-sourced: an activation read the snapshot at version {snapshotVersion:N0} and replayed {replayed:N0} events");

        var (o, p) = (measured[ours], measured[prototype]);
        return
        [
            new BenchmarkRow(
                $"storage-designs: fill one store to {size:N0} secrets, {FillBatch} per call, {FillCallers} callers",
                Rate(size / o.Fill.TotalSeconds, "secrets/s"), Rate(size / p.Fill.TotalSeconds, "secrets/s"), Ratio(p.Fill / o.Fill)),
            new BenchmarkRow(
                $"storage-designs: WAL bytes per secret while filling it (ratio = prototype / ours)",
                Bytes((double)o.WalBytes / size), Bytes((double)p.WalBytes / size), Ratio((double)p.WalBytes / o.WalBytes)),
            new BenchmarkRow(
                $"storage-designs: activation of the {size:N0}-secret store, first call, median of {ActivationRuns} (ratio = prototype / ours)",
                Time(o.Activation), Time(p.Activation), Ratio(p.Activation / o.Activation)),
            new BenchmarkRow(
                $"storage-designs: creates/s, {context.Connections} callers, into that store",
                Rate(o.Load.PerSecond, "creates/s"), Rate(p.Load.PerSecond, "creates/s"), Ratio(o.Load.PerSecond / p.Load.PerSecond),
                Time(o.Load.Percentile(0.50)), Time(o.Load.Percentile(0.99))),
            new BenchmarkRow(
                $"storage-designs: WAL bytes per create into that store (ratio = prototype / ours)",
                Bytes((double)o.LoadWalBytes / o.Load.Calls), Bytes((double)p.LoadWalBytes / p.Load.Calls),
                Ratio(((double)p.LoadWalBytes / p.Load.Calls) / ((double)o.LoadWalBytes / o.Load.Calls))),
        ];
    }

    private static async Task<TimeSpan> FillAsync(IStorageDesign design, Guid storeId, int size)
    {
        var next = -1;
        var timer = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, FillCallers).Select(async _ =>
        {
            int from;
            while ((from = Interlocked.Increment(ref next) * FillBatch) < size)
            {
                var names = Enumerable.Range(from, Math.Min(FillBatch, size - from)).Select(i => $"s{i}").ToList();
                await design.CreateAsync(storeId, names);
            }
        }));
        return timer.Elapsed;
    }

    private static async Task<TimeSpan> ActivateAsync(DesignSilo silo, IStorageDesign design, Guid storeId)
    {
        await silo.Management.ForceActivationCollection(TimeSpan.Zero);
        var waited = Stopwatch.StartNew();
        while (await silo.Management.GetGrainActivationCount(design.GrainOf(storeId)) > 0)
        {
            if (waited.Elapsed > DeactivationLimit)
            {
                throw new InvalidOperationException($"The {design.Name} store's grain did not deactivate.");
            }

            await Task.Delay(20);
        }

        // The store just collected is garbage now; collect it here rather than in the middle of the timed call.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var timer = Stopwatch.StartNew();
        await design.FirstCallAsync(storeId);
        return timer.Elapsed;
    }
}
