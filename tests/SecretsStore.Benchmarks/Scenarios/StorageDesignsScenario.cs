using SecretsStore.Benchmarks.Experiments.EventSourcing;
using SecretsStore.Benchmarks.Scenarios.StorageDesigns;

namespace SecretsStore.Benchmarks.Scenarios;

/// <summary>
/// The two candidate storage designs for stores, measured the same way in one silo through direct grain calls:
/// rows per secret written through the silo's group commit (ours: the service column) against Orleans event
/// sourcing, a JournaledGrain whose log and snapshots live in PostgreSQL (the prototype: the baseline column).
/// Ratios are ours over the prototype's where more is better, the prototype's over ours where less is better
/// (latency, time, bytes), so above 1 always favours ours. See docs/storage-designs.md.
/// </summary>
public static class StorageDesignsScenario
{
    /// <summary>The prototype writes a snapshot every this many events.</summary>
    public const int SnapshotEvery = 1_000;

    public static async Task<IReadOnlyList<BenchmarkRow>> RunAsync(BenchmarkContext context, Action<string> log)
    {
        var rowsDatabase = await context.NewDatabaseAsync("designs_rows");
        var eventsDatabase = await context.NewDatabaseAsync("designs_es");
        await using var silo = await DesignSilo.StartAsync(rowsDatabase, eventsDatabase, SnapshotEvery);
        await using var wal = new WalMeter(rowsDatabase);
        await wal.SetFullPageWritesAsync(false);
        try
        {
            var ours = await RowsDesign.StartAsync(silo.Grains, silo.Database);
            var prototype = new EventSourcedDesign(silo.Grains);
            var rows = new List<BenchmarkRow>();
            rows.AddRange(await LargeStoreMeasure.RunAsync(context, silo, wal, ours, prototype, log));
            rows.AddRange(await CreateLoadMeasure.RunAsync(context, silo, wal, ours, prototype, log));

            // Last, with nothing else writing: the probes fault the prototype's log.
            foreach (var finding in await GhostWriteProbe.RunAsync(silo.Grains, silo.EventLog, EventSourcedDesign.Secret))
            {
                log($"  event-sourced, failed write: {finding}");
            }

            return rows;
        }
        finally
        {
            await wal.SetFullPageWritesAsync(true);
        }
    }
}
