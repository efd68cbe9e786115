using System.Diagnostics;
using SecretsStore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SecretsStore.Tests.Clients;

/// <summary>Runs one Node suite of tests/clients against the service and fails with its output when it fails.</summary>
public static class ClientSuite
{
    /// <summary>The API base URL a client is given: no trailing slash (wrangler would build <c>//accounts</c>).</summary>
    public static string BaseUrl(AppFixture app) =>
        new Uri(app.App.BaseAddress, "/client/v4").ToString().TrimEnd('/');

    public static async Task AssertPassesAsync(string suite, IReadOnlyDictionary<string, string> environment, TimeSpan bound, ITestOutputHelper output)
    {
        var clock = Stopwatch.StartNew();
        var run = await NodeProcess.RunAsync("node", ["--test", "--test-reporter=spec", suite], environment, bound);
        output.WriteLine($"{suite}: exit {run.ExitCode} after {clock.Elapsed.TotalSeconds:F1} s\n{run.Output}");
        Assert.False(run.TimedOut, $"{suite} did not finish within {bound}:\n{run.Output}");
        Assert.True(run.ExitCode == 0, $"{suite} failed:\n{run.Output}");
    }
}
