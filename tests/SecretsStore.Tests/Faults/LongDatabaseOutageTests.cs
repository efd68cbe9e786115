using SecretsStore.Persistence;
using SecretsStore.Silo.Hosting.Development;
using SecretsStore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SecretsStore.Tests.Faults;

/// <summary>
/// Issue 22, part 3: PostgreSQL stopped for a minute under a write load on two silo processes, longer than a silo goes
/// without writing its I-am-alive row. Throughout, every request is answered, fast, with a 503; once the database is
/// back, both silos take writes again without a restart, the membership table still lists both as active (no silo
/// declared dead, no split), nothing acknowledged is lost and no create answered with an error is stored (beyond a
/// commit whose answer the outage cut, which the silo logs as in doubt).
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class LongDatabaseOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(60);

    /// <summary>The goal: writes succeed again this soon after the database is back.</summary>
    private static readonly TimeSpan RecoveryGoal = TimeSpan.FromSeconds(15);

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"secretsstore-outage-{Guid.NewGuid():N}");
    private EmbeddedPostgres _postgres = null!;

    [Fact]
    public async Task AMinuteWithoutPostgresIsAnsweredWithFast503sAndBothSilosRecoverWithinFifteenSecondsLosingNothing()
    {
        var settings = TestHostSettings.For(_postgres.ConnectionStringFor("outage"), _postgres.RuntimeConnectionStringFor("outage"));
        await DatabaseBootstrap.EnsureDatabaseExistsAsync(settings.ConnectionString);
        var cluster = $"outage-{Guid.NewGuid():N}";
        var silos = await Task.WhenAll(SiloProcess.StartAsync(settings, cluster), SiloProcess.StartAsync(settings, cluster));
        try
        {
            var (account, stores) = await ClusterUnderLoad.PrepareAsync(silos[0].BaseAddress, settings.AdminToken);
            // Half the stores activated through each silo, so that both hold grains whose writes stop.
            await ClusterUnderLoad.ActivateAsync(silos[0].BaseAddress, account, stores.Where((_, i) => i % 2 == 0));
            await ClusterUnderLoad.ActivateAsync(silos[1].BaseAddress, account, stores.Where((_, i) => i % 2 == 1));
            // Each writer keeps to its silo; one backing off a tenth of a second after a failure, as a client would.
            var load = WriteLoad.Start([silos[0].BaseAddress, silos[1].BaseAddress], account, stores, writers: 8,
                failurePause: TimeSpan.FromMilliseconds(100));
            await Task.Delay(TimeSpan.FromSeconds(2));

            var stoppedAt = load.Elapsed;
            await _postgres.StopAsync();
            await Task.Delay(Outage);
            var restartingAt = load.Elapsed;
            _postgres = await EmbeddedPostgres.StartAsync(_root);
            var backAt = load.Elapsed;
            await ClusterRecovery.EveryStoreTakesWritesThroughEverySiloAsync(load, stores, silos.Length, backAt, "the database was back");
            await Task.Delay(TimeSpan.FromSeconds(2));
            await load.StopAsync(grace: TimeSpan.FromSeconds(45));

            var figures = await FaultFigures.MeasureAsync("PostgreSQL stopped 60 s, two silos", settings.ConnectionString, account, load, stoppedAt);
            var during = load.Failed.Where(a => a.Finished > stoppedAt && a.Finished <= backAt).ToList();
            var afterBack = load.Failed.Where(a => a.Finished > backAt).ToList();
            var recovered = afterBack.Count == 0 ? TimeSpan.Zero : afterBack.Max(a => a.Finished) - backAt;
            var firstWrite = load.Acknowledged.Where(a => a.Finished > backAt).Select(a => a.Finished - backAt).DefaultIfEmpty(TimeSpan.MaxValue).Min();
            var p99 = Percentile(during.Select(a => a.Took), 0.99);
            var inDoubt = silos.Sum(s => ClusterRecovery.InDoubtRequests(s.Output));
            var members = await ClusterRecovery.MembershipAsync(settings.ConnectionString, cluster);
            output.WriteLine(figures.ToString());
            output.WriteLine($"outage {(backAt - stoppedAt).TotalSeconds:N1} s (PostgreSQL took {(backAt - restartingAt).TotalSeconds:N1} s to start): "
                + $"{during.Count} failed answers during it, p99 {p99.TotalMilliseconds:N0} ms, slowest {(during.Count == 0 ? 0 : during.Max(a => a.Took).TotalMilliseconds):N0} ms; "
                + $"the first write acknowledged {firstWrite.TotalSeconds:N2} s after the database was back; "
                + $"{afterBack.Count} failed after it was back, the last {recovered.TotalSeconds:N2} s after; "
                + $"{inDoubt} requests in commits in doubt; membership: {string.Join(", ", members)}");

            Assert.All(silos, s => Assert.False(s.HasExited, $"a silo exited:\n{s.Output}"));
            Assert.Equal([ClusterRecovery.SiloActive, ClusterRecovery.SiloActive], members);
            Assert.NotEmpty(during);
            Assert.All(load.Failed, a => Assert.True(a.Status == 503, $"a request was answered {a.Status}: {a.Failure}"));
            Assert.True(p99 <= TimeSpan.FromSeconds(1), $"the p99 of the answers during the outage was {p99.TotalMilliseconds:N0} ms");
            Assert.True(recovered <= RecoveryGoal, $"writes failed until {recovered.TotalSeconds:N1} s after the database was back");
            Assert.True(figures.Lost == 0, $"{figures.Lost} acknowledged creates are missing; {figures}");
            Assert.True(figures.ErrorAnsweredPresent <= inDoubt,
                $"{figures.ErrorAnsweredPresent} creates answered with an error are stored, but only {inDoubt} were in commits in doubt; {figures}");
            Assert.Equal((await StoredSecrets.NamesAsync(settings.ConnectionString, account.Id)).Count, await StoredSecrets.UsageAsync(settings.ConnectionString, account.Id));
        }
        finally
        {
            await Task.WhenAll(silos.Select(s => s.DisposeAsync().AsTask()));
        }
    }

    public async Task InitializeAsync() => _postgres = await EmbeddedPostgres.StartAsync(_root);

    public async Task DisposeAsync()
    {
        await _postgres.StopAsync();
        Directory.Delete(_root, recursive: true);
    }

    private static TimeSpan Percentile(IEnumerable<TimeSpan> values, double rank)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? TimeSpan.Zero : sorted[(int)Math.Ceiling(rank * sorted.Count) - 1];
    }
}
