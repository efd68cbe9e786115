using System.Text;

namespace SecretsStore.Benchmarks;

/// <summary>The results table, as markdown for BENCHMARKS.md.</summary>
public static class Report
{
    public static string Markdown(IEnumerable<BenchmarkRow> rows)
    {
        var text = new StringBuilder()
            .AppendLine("| scenario | the service | baseline (same run) | ratio | p50 | p99 | goal | allocated |")
            .AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var row in rows)
        {
            text.AppendLine($"| {row.Scenario} | {row.Service} | {row.Baseline} | {row.Ratio} | {row.P50} | {row.P99} | {row.Goal} | {row.Allocated} |");
        }

        return text.ToString();
    }
}
