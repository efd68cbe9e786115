using System.Diagnostics;

namespace SecretsStore.Benchmarks.Tools;

/// <summary>A wrk run and what this process allocated and spent on the CPU for each request it answered.</summary>
/// <param name="CpuPerRequest">
/// Processor time of this process per request. On a shared machine the rate swings with the neighbours' load;
/// this swings far less, so it shows what a change did when the rate cannot.
/// </param>
public sealed record MeteredRun(WrkResult Wrk, double BytesPerRequest, TimeSpan CpuPerRequest);

/// <summary>
/// Bytes allocated per request: the service (and the bare baseline) run in this process, so the growth of its
/// allocation counter over a load, divided by the requests wrk counted, is what one request costs the GC. Timers
/// and other background work allocate too, but little against tens of thousands of requests a second.
/// </summary>
public static class Allocations
{
    public static async Task<MeteredRun> PerRequestAsync(Func<Task<WrkResult>> run)
    {
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var result = await run();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        var requests = Math.Max(1, result.Requests);
        return new MeteredRun(result, (double)allocated / requests, cpu / requests);
    }

    public static string PerRequest(IEnumerable<MeteredRun> runs) =>
        $"{Figures.Bytes(Figures.Median(runs.Select(r => r.BytesPerRequest)))}/req";
}
