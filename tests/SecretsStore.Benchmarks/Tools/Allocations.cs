namespace SecretsStore.Benchmarks.Tools;

/// <summary>A wrk run and what this process allocated for each request it answered.</summary>
public sealed record MeteredRun(WrkResult Wrk, double BytesPerRequest);

/// <summary>
/// Bytes allocated per request: the service (and the bare baseline) run in this process, so the growth of its
/// allocation counter over a load, divided by the requests wrk counted, is what one request costs the GC. Timers
/// and other background work allocate too, but little against tens of thousands of requests a second.
/// </summary>
public static class Allocations
{
    public static async Task<MeteredRun> PerRequestAsync(Func<Task<WrkResult>> run)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var result = await run();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        return new MeteredRun(result, result.Requests > 0 ? (double)allocated / result.Requests : 0);
    }

    public static string PerRequest(IEnumerable<MeteredRun> runs) =>
        $"{Figures.Bytes(Figures.Median(runs.Select(r => r.BytesPerRequest)))}/req";
}
