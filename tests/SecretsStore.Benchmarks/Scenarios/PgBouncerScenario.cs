using SecretsStore.Benchmarks.Tools;

namespace SecretsStore.Benchmarks.Scenarios;

/// <summary>
/// Durable creates over 64 stores with the service's connections through PgBouncer in transaction pooling, against
/// pgbench's single-row upserts through the same PgBouncer at the same concurrency: what the pooler costs the
/// service, beside what it costs PostgreSQL's own commit rate. The PgBouncer is Debian's (1.18), so the service's
/// statements are not prepared (<c>SecretsStore:Database:PreparedStatements=false</c>); its pool is PgBouncer's
/// default of 20 server connections per database and role, fewer than the service's 28 clients.
/// </summary>
public static class PgBouncerScenario
{
    private const int PoolSize = 20;

    public static async Task<IReadOnlyList<BenchmarkRow>> RunAsync(BenchmarkContext context, Action<string> log)
    {
        var postgres = context.Postgres;
        await using var bouncer = await PgBouncer.StartAsync(postgres.ConnectionStringFor("postgres"), PoolSize, postgres.RuntimeConnectionStringFor("postgres"));
        var owner = await context.NewDatabaseAsync("pgbouncer");
        var pgbench = new List<double>();
        var creates = new List<MeteredRun>();
        // The later settings win: both logins through the pooler.
        await using (var service = await ServiceUnderTest.StartOnAsync(context, owner, [ServiceUnderTest.NewKey()], ServiceUnderTest.NewKey(),
            $"--ConnectionStrings:Postgres={bouncer.Route(context.RuntimeConnectionStringFor(owner))}", $"--ConnectionStrings:PostgresOwner={bouncer.Route(owner)}",
            "--SecretsStore:Database:PreparedStatements=false"))
        {
            var account = await service.NewAccountAsync();
            var stores = new List<string>();
            for (var i = 0; i < 64; i++)
            {
                stores.Add(await service.NewStoreAsync(account, $"spread{i}"));
            }

            await Wrk.RunAsync(service.BaseAddress, context.Connections, TimeSpan.FromSeconds(2), LuaScripts.CreateSecrets(account, stores, "warm"));
            for (var round = 0; round < context.Rounds; round++)
            {
                pgbench.Add(await PgBench.UpsertRateAsync(context, context.Connections, context.Duration, bouncer.Port));
                creates.Add(await Allocations.PerRequestAsync(() =>
                    Wrk.RunAsync(service.BaseAddress, context.Connections, context.Duration, LuaScripts.CreateSecrets(account, stores, $"p{round}"))));
                log($"  round {round + 1}: pgbench through PgBouncer {pgbench[^1]:N0} tps, creates over 64 stores through PgBouncer " +
                    $"{creates[^1].Wrk.RequestsPerSecond:N0}/s ({creates[^1].CpuPerRequest.TotalMicroseconds:N0} µs CPU/req)");
            }
        }

        var results = creates.Select(r => r.Wrk).ToList();
        var rate = Figures.Median(results.Select(r => r.RequestsPerSecond));
        var baseline = Figures.Median(pgbench);
        return
        [
            new BenchmarkRow(
                $"durable creates over 64 stores through PgBouncer (transaction pooling, {PoolSize} server connections), {context.Connections} connections{GetScenario.Failures(results)}",
                Figures.Rate(rate, "creates/s"),
                $"pgbench single-row upsert through the same PgBouncer, {context.Connections} clients: {Figures.Rate(baseline, "tps")}",
                Figures.Ratio(rate / baseline),
                Figures.Time(Figures.Median(results.Select(r => r.P50))), Figures.Time(Figures.Median(results.Select(r => r.P99))),
                "≥ 0.5", Allocations.PerRequest(creates)),
        ];
    }
}
