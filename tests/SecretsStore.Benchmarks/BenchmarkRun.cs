using SecretsStore.Benchmarks.Scenarios;
using SecretsStore.Silo.Hosting;
using SecretsStore.Silo.Hosting.Development;

namespace SecretsStore.Benchmarks;

/// <summary>Starts a private PostgreSQL, runs the scenarios in turn and collects their rows.</summary>
public static class BenchmarkRun
{
    /// <summary>Every scenario by name, in the order the table shows them.</summary>
    private static readonly (string Name, Func<BenchmarkContext, Action<string>, Task<IReadOnlyList<BenchmarkRow>>> Run)[] All =
    [
        ("get", GetScenario.RunAsync),
        ("auth-flood", AuthFloodScenario.RunAsync),
        ("creates", CreateScenario.RunAsync),
        ("large-store", LargeStoreScenario.RunAsync),
        ("storage-designs", StorageDesignsScenario.RunAsync),
        ("key-rotation", KeyRotationScenario.RunAsync),
        ("scale-out", ScaleOutScenario.RunAsync),
        ("cluster-tls", ClusterTlsScenario.RunAsync),
        ("pgbouncer", PgBouncerScenario.RunAsync),
        ("audit-log", AuditLogScenario.RunAsync),
    ];

    public static async Task<IReadOnlyList<BenchmarkRow>> RunAsync(bool smoke, IReadOnlyCollection<string>? only, Action<string> log)
    {
        var root = Path.Combine(Path.GetTempPath(), $"secretsstore-bench-{Guid.NewGuid():N}");
        await using var postgres = await EmbeddedPostgres.StartAsync(root);
        try
        {
            var context = new BenchmarkContext(postgres, smoke);
            var rows = new List<BenchmarkRow>();
            foreach (var (name, run) in All.Where(s => only is null || only.Contains(s.Name)))
            {
                log($"== {name}");
                rows.AddRange(await run(context, log));
            }

            return rows;
        }
        finally
        {
            await postgres.StopAsync();
            Directory.Delete(root, recursive: true);
        }
    }
}
