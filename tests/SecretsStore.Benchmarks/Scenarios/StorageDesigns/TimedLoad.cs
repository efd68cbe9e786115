using System.Diagnostics;

namespace SecretsStore.Benchmarks.Scenarios.StorageDesigns;

/// <summary>What a timed load did: how many calls, over how long, and each call's latency.</summary>
/// <param name="Latencies">Stopwatch ticks, sorted.</param>
internal sealed record LoadResult(long Calls, TimeSpan Elapsed, long[] Latencies)
{
    public double PerSecond => Calls / Elapsed.TotalSeconds;

    public TimeSpan Percentile(double fraction) =>
        Latencies.Length == 0
            ? TimeSpan.Zero
            : Stopwatch.GetElapsedTime(0, Latencies[Math.Min(Latencies.Length - 1, (int)(fraction * Latencies.Length))]);

    /// <summary>Latencies pooled over several loads; the rate is taken per load, as a median, by the caller.</summary>
    public static LoadResult Pool(IReadOnlyCollection<LoadResult> loads)
    {
        var latencies = loads.SelectMany(l => l.Latencies).ToArray();
        Array.Sort(latencies);
        return new LoadResult(loads.Sum(l => l.Calls), TimeSpan.FromTicks(loads.Sum(l => l.Elapsed.Ticks)), latencies);
    }
}

/// <summary>Closed-loop callers: each waits for its call's answer before making the next, until the time is up.</summary>
internal static class TimedLoad
{
    /// <param name="call">Given the caller's number and its call's sequence number.</param>
    public static async Task<LoadResult> RunAsync(int callers, TimeSpan duration, Func<int, int, Task> call)
    {
        var latencies = new List<long>[callers];
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, callers).Select(async caller =>
        {
            await Task.Yield();
            var own = new List<long>();
            for (var i = 0; Stopwatch.GetTimestamp() < deadline; i++)
            {
                var sent = Stopwatch.GetTimestamp();
                await call(caller, i);
                own.Add(Stopwatch.GetTimestamp() - sent);
            }

            latencies[caller] = own;
        }));

        var elapsed = Stopwatch.GetElapsedTime(start);
        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new LoadResult(all.Length, elapsed, all);
    }
}
