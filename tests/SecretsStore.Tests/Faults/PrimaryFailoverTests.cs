using SecretsStore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SecretsStore.Tests.Faults;

/// <summary>
/// Issue 22, part 1: the PostgreSQL primary dies (kill -9 of its postmaster and its pg_auto_failover keeper) under
/// 16 writers on two silo processes, and pg_auto_failover promotes the synchronous standby. The silos reach the new
/// primary through the multi-host connection string they were started with (the service's pool and Orleans' ADO.NET
/// providers alike), without a restart: writes succeed again within 15 s of the promotion, both silos are still
/// active members, nothing acknowledged is lost, no create answered with an error is stored (beyond a commit whose
/// answer the kill cut, which the silo logs as in doubt), and quota usage counts exactly the secrets present.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class PrimaryFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>The goal: writes succeed again this soon after the standby is promoted.</summary>
    private static readonly TimeSpan RecoveryGoal = TimeSpan.FromSeconds(15);

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"secretsstore-failover-{Guid.NewGuid():N}");
    private AutoFailoverPostgres _postgres = null!;

    /// <summary>How long the monitor and both nodes took to start, for the test's output.</summary>
    private TimeSpan _started;

    [Fact]
    public async Task KillingThePrimaryUnderLoadFailsOverToTheSynchronousStandbyLosingNothingAndWritesResumeWithinFifteenSeconds()
    {
        var settings = TestHostSettings.For(_postgres.OwnerConnectionString, _postgres.RuntimeConnectionString);
        var cluster = $"failover-{Guid.NewGuid():N}";
        var silos = await Task.WhenAll(SiloProcess.StartAsync(settings, cluster), SiloProcess.StartAsync(settings, cluster));
        try
        {
            var (account, stores) = await ClusterUnderLoad.PrepareAsync(silos[0].BaseAddress, settings.AdminToken);
            await ClusterUnderLoad.ActivateAsync(silos[0].BaseAddress, account, stores.Where((_, i) => i % 2 == 0));
            await ClusterUnderLoad.ActivateAsync(silos[1].BaseAddress, account, stores.Where((_, i) => i % 2 == 1));
            var load = WriteLoad.Start([silos[0].BaseAddress, silos[1].BaseAddress], account, stores, writers: 16,
                failurePause: TimeSpan.FromMilliseconds(100));
            await Task.Delay(TimeSpan.FromSeconds(2));

            var killedAt = load.Elapsed;
            var killed = await _postgres.KillPrimaryAsync();
            var standby = _postgres.NodePorts.Single(p => p != killed);
            await _postgres.WaitUntilPromotedAsync(standby, TimeSpan.FromSeconds(60));
            var promotedAt = load.Elapsed;
            await _postgres.WaitUntilWritableAsync(standby, TimeSpan.FromSeconds(60));
            var writableAt = load.Elapsed;
            await ClusterRecovery.EveryStoreTakesWritesThroughEverySiloAsync(load, stores, silos.Length, promotedAt, "the promotion");
            await Task.Delay(TimeSpan.FromSeconds(2));
            await load.StopAsync(grace: TimeSpan.FromSeconds(45));

            var figures = await FaultFigures.MeasureAsync("primary killed, pg_auto_failover promoted the standby, two silos",
                _postgres.OwnerConnectionString, account, load, killedAt);
            var afterPromotion = load.Failed.Where(a => a.Finished > promotedAt).ToList();
            var recovered = afterPromotion.Count == 0 ? TimeSpan.Zero : afterPromotion.Max(a => a.Finished) - promotedAt;
            var firstWrite = load.Acknowledged.Where(a => a.Finished - a.Took > promotedAt).Select(a => a.Finished - promotedAt)
                .DefaultIfEmpty(TimeSpan.MaxValue).Min();
            var inDoubt = silos.Sum(s => ClusterRecovery.InDoubtRequests(s.Output));
            var members = await ClusterRecovery.MembershipAsync(_postgres.OwnerConnectionString, cluster);
            output.WriteLine(figures.ToString());
            output.WriteLine($"cluster started in {_started.TotalSeconds:N1} s; "
                + $"promoted {(promotedAt - killedAt).TotalSeconds:N1} s after the kill, writable {(writableAt - promotedAt).TotalSeconds:N1} s after that; "
                + $"the first write sent after the promotion acknowledged {firstWrite.TotalSeconds:N2} s after it; "
                + $"{afterPromotion.Count} failed after the promotion, the last {recovered.TotalSeconds:N2} s after; "
                + $"{inDoubt} requests in commits in doubt; membership: {string.Join(", ", members)}; {load.Summary()}");

            Assert.All(silos, s => Assert.False(s.HasExited, $"a silo exited:\n{s.Output}"));
            Assert.Equal([ClusterRecovery.SiloActive, ClusterRecovery.SiloActive], members);
            Assert.All(load.Failed, a => Assert.True(a.Status == 503, $"a request was answered {a.Status}: {a.Failure}"));
            Assert.True(recovered <= RecoveryGoal, $"writes failed until {recovered.TotalSeconds:N1} s after the promotion; {figures}");
            Assert.True(figures.Lost == 0, $"{figures.Lost} acknowledged creates are missing; {figures}");
            Assert.True(figures.ErrorAnsweredPresent <= inDoubt,
                $"{figures.ErrorAnsweredPresent} creates answered with an error are stored, but only {inDoubt} were in commits in doubt; {figures}");
            Assert.Equal((await StoredSecrets.NamesAsync(_postgres.OwnerConnectionString, account.Id)).Count,
                await StoredSecrets.UsageAsync(_postgres.OwnerConnectionString, account.Id));
        }
        finally
        {
            await Task.WhenAll(silos.Select(s => s.DisposeAsync().AsTask()));
        }
    }

    public async Task InitializeAsync()
    {
        Assert.True(AutoFailoverPostgres.Installed, "pg_autoctl is not installed: run scripts/ensure-prerequisites.sh");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        _postgres = await AutoFailoverPostgres.StartAsync(_root);
        _started = clock.Elapsed;
    }

    public async Task DisposeAsync() => await _postgres.DisposeAsync();
}
