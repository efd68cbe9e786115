using SecretsStore.Benchmarks;
using Xunit.Abstractions;

namespace SecretsStore.Tests.Benchmarks;

/// <summary>
/// Every benchmark scenario runs for a moment, so the benchmark cannot rot between the runs that measure. Nothing
/// here is timed: figures from a busy test machine mean nothing.
/// </summary>
[Collection(Infrastructure.FaultCollection.Name)]
public sealed class BenchmarkSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task EveryScenarioRunsAndFillsItsRows()
    {
        var rows = await BenchmarkRun.RunAsync(smoke: true, only: null, output.WriteLine);
        output.WriteLine(Report.Markdown(rows));

        foreach (var prefix in new[] { "GET one secret", "GET one secret while", "rate-limit grain activations", "durable creates over 64 stores", "durable creates into one store", "create latency", "activation of a store", "memory of an active store", "list one page", "storage-designs", "master-key rotation", "GET one secret of 64 stores, gateway + silo, cluster TLS", "durable creates over 64 stores through PgBouncer", "audit-log first page", "audit-log page" })
        {
            Assert.Contains(rows, r => r.Scenario.StartsWith(prefix, StringComparison.Ordinal));
        }

        Assert.All(rows, r => Assert.DoesNotContain("FAILED", r.Scenario, StringComparison.Ordinal));
        Assert.All(rows, r => Assert.False(string.IsNullOrWhiteSpace(r.Service) || r.Service == "–", $"no figure for {r.Scenario}"));
    }
}
