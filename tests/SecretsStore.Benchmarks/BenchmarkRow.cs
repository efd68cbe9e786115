namespace SecretsStore.Benchmarks;

/// <summary>One line of the results table. Figures are preformatted; a missing one is "–".</summary>
/// <param name="Ratio">The service's figure over the baseline's, in the direction where higher is better.</param>
/// <param name="Allocated">Bytes this process allocated per request under the load (see Tools/Allocations).</param>
public sealed record BenchmarkRow(
    string Scenario,
    string Service,
    string Baseline = "–",
    string Ratio = "–",
    string P50 = "–",
    string P99 = "–",
    string Goal = "–",
    string Allocated = "–");
