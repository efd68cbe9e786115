using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SecretsStore.Benchmarks.Tools;

/// <summary>What one wrk run measured.</summary>
/// <param name="Failures">Responses outside 2xx/3xx plus socket errors.</param>
public sealed record WrkResult(double RequestsPerSecond, TimeSpan P50, TimeSpan P99, long Requests, long Failures);

/// <summary>Runs wrk (Debian's package) against a URL, with a Lua script for anything beyond a plain GET.</summary>
public static partial class Wrk
{
    /// <param name="script">Lua source for wrk's <c>-s</c>, or null for plain GETs.</param>
    public static async Task<WrkResult> RunAsync(Uri url, int connections, TimeSpan duration, string? script = null, int threads = 2)
    {
        var scriptFile = script is null ? null : Path.Combine(Path.GetTempPath(), $"wrk-{Guid.NewGuid():N}.lua");
        try
        {
            var arguments = new List<string>
            {
                "-t", Math.Min(threads, connections).ToString(CultureInfo.InvariantCulture),
                "-c", connections.ToString(CultureInfo.InvariantCulture),
                "-d", $"{Math.Max(1, (int)duration.TotalSeconds)}s",
                "--latency",
                "--timeout", "10s",
            };
            if (scriptFile is not null)
            {
                await File.WriteAllTextAsync(scriptFile, script);
                arguments.AddRange(["-s", scriptFile]);
            }

            arguments.Add(url.ToString());
            var output = await RunToolAsync("wrk", arguments);
            return Parse(output);
        }
        finally
        {
            if (scriptFile is not null)
            {
                File.Delete(scriptFile);
            }
        }
    }

    public static WrkResult Parse(string output)
    {
        var rate = Number(RequestsPerSecond(), output) ?? throw new InvalidOperationException($"wrk printed no rate:\n{output}");
        var requests = (long)(Number(RequestCount(), output) ?? 0);
        var non2xx = (long)(Number(Non2xx(), output) ?? 0);
        var socketErrors = SocketErrors().Matches(output).Sum(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        return new WrkResult(rate, Percentile("50%", output), Percentile("99%", output), requests, non2xx + socketErrors);
    }

    /// <param name="environment">Variables to add to the tool's environment (a password, which must not go on its command line).</param>
    public static async Task<string> RunToolAsync(string tool, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        arguments.ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {tool}; install it (scripts/benchmark.sh does).");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var output = await stdout + await stderr;
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{tool} exited with {process.ExitCode}:\n{output}");
    }

    private static TimeSpan Percentile(string label, string output)
    {
        var match = Regex.Match(output, $@"^\s+{Regex.Escape(label)}\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        if (!match.Success)
        {
            return TimeSpan.Zero;
        }

        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "us" => TimeSpan.FromMicroseconds(value),
            "ms" => TimeSpan.FromMilliseconds(value),
            _ => TimeSpan.FromSeconds(value),
        };
    }

    private static double? Number(Regex pattern, string output) =>
        pattern.Match(output) is { Success: true } match ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"^\s+(\d+) requests in", RegexOptions.Multiline)]
    private static partial Regex RequestCount();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex Non2xx();

    [GeneratedRegex(@"(?:connect|read|write|timeout) (\d+)")]
    private static partial Regex SocketErrors();
}
