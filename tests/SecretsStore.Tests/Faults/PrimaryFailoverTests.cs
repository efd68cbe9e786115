using System.Text.RegularExpressions;
using Npgsql;
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
public sealed partial class PrimaryFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>The goal: writes succeed again this soon after the standby is promoted.</summary>
    private static readonly TimeSpan RecoveryGoal = TimeSpan.FromSeconds(15);

    /// <summary>Orleans' <c>SiloStatus.Active</c>, as the membership table stores it.</summary>
    private const int SiloActive = 3;

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
            await EveryStoreTakesWritesThroughEverySiloAsync(load, stores, silos.Length, promotedAt);
            await Task.Delay(TimeSpan.FromSeconds(2));
            await load.StopAsync(grace: TimeSpan.FromSeconds(45));

            var figures = await FaultFigures.MeasureAsync("primary killed, pg_auto_failover promoted the standby, two silos",
                _postgres.OwnerConnectionString, account, load, killedAt);
            var afterPromotion = load.Failed.Where(a => a.Finished > promotedAt).ToList();
            var recovered = afterPromotion.Count == 0 ? TimeSpan.Zero : afterPromotion.Max(a => a.Finished) - promotedAt;
            var firstWrite = load.Acknowledged.Where(a => a.Finished - a.Took > promotedAt).Select(a => a.Finished - promotedAt)
                .DefaultIfEmpty(TimeSpan.MaxValue).Min();
            var inDoubt = silos.Sum(s => InDoubtRequests(s.Output));
            var members = await MembershipAsync(_postgres.OwnerConnectionString, cluster);
            output.WriteLine(figures.ToString());
            output.WriteLine($"cluster started in {_started.TotalSeconds:N1} s; "
                + $"promoted {(promotedAt - killedAt).TotalSeconds:N1} s after the kill, writable {(writableAt - promotedAt).TotalSeconds:N1} s after that; "
                + $"the first write sent after the promotion acknowledged {firstWrite.TotalSeconds:N2} s after it; "
                + $"{afterPromotion.Count} failed after the promotion, the last {recovered.TotalSeconds:N2} s after; "
                + $"{inDoubt} requests in commits in doubt; membership: {string.Join(", ", members)}; {load.Summary()}");

            Assert.All(silos, s => Assert.False(s.HasExited, $"a silo exited:\n{s.Output}"));
            Assert.Equal([SiloActive, SiloActive], members);
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

    /// <summary>
    /// Waits until every store has acknowledged a create sent after the promotion through every silo, so that both
    /// silos, and the grains on each, are seen writing to the new primary.
    /// </summary>
    private static async Task EveryStoreTakesWritesThroughEverySiloAsync(WriteLoad load, IReadOnlyList<string> stores, int silos, TimeSpan since)
    {
        var deadline = load.Elapsed + TimeSpan.FromSeconds(60);
        while (!stores.All(store => Enumerable.Range(0, silos).All(silo =>
                   load.Attempts.Any(a => a.Store == store && a.Gateway == silo && a.Status == 200 && a.Finished - a.Took > since))))
        {
            Assert.True(load.Elapsed < deadline, $"some stores took no write through some silo for 60 s after the promotion; {load.Summary()}");
            await Task.Delay(200);
        }
    }

    /// <summary>The status of each of the cluster's rows in the membership table.</summary>
    private static async Task<List<int>> MembershipAsync(string connectionString, string cluster)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var command = db.CreateCommand("SELECT status FROM orleansmembershiptable WHERE deploymentid = $1 ORDER BY status");
        command.Parameters.Add(new NpgsqlParameter { Value = cluster });
        await using var reader = await command.ExecuteReaderAsync();
        var statuses = new List<int>();
        while (await reader.ReadAsync())
        {
            statuses.Add(reader.GetInt32(0));
        }

        return statuses;
    }

    private static int InDoubtRequests(string logs) =>
        InDoubtCommit().Matches(logs).Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

    [GeneratedRegex(@"A commit of (\d+) requests in \d+ stores failed after it was sent")]
    private static partial Regex InDoubtCommit();
}
