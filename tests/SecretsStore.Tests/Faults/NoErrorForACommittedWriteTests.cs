using SecretsStore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SecretsStore.Tests.Faults;

/// <summary>
/// The goal of issue 18, part 5, under real processes: a silo restarted or killed under a write load fails no request
/// and answers no write with an error that committed, with silos serving HTTP themselves and behind a standalone
/// gateway. A call whose answer was lost is resolved by its request id before the gateway answers. Each test prints
/// one <see cref="FaultFigures"/> line, which a loop of focused runs collects.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class NoErrorForACommittedWriteTests(ITestOutputHelper output)
{
    /// <summary>Time for a restarted silo to take work (the standalone gateway rereads the live silos every 2 s).</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2.5);

    [Fact]
    public async Task ARollingRestartOfCombinedSilosFailsNoRequestAndAnswersNoCommittedWriteWithAnError()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("truerolling"));
        var cluster = $"truerolling-{Guid.NewGuid():N}";
        var silos = await Task.WhenAll(SiloProcess.StartAsync(settings, cluster), SiloProcess.StartAsync(settings, cluster));
        try
        {
            var (account, stores) = await ClusterUnderLoad.PrepareAsync(silos[0].BaseAddress, settings.AdminToken);
            // A balancer in front of both: it follows their readiness, and a connection refused goes to the other.
            var load = WriteLoad.Start([silos[0].BaseAddress, silos[1].BaseAddress], account, stores, writers: 8, failOver: true, followReadiness: true);
            var faultAt = await RestartInTurnAsync(silos, load);
            await StopAndAssertAsync("rolling restart, combined silos", settings, account, load, faultAt, silos);
        }
        finally
        {
            await Task.WhenAll(silos.Select(s => s.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task ARollingRestartOfSilosBehindAStandaloneGatewayFailsNoRequestAndAnswersNoCommittedWriteWithAnError()
    {
        var (settings, silos, gateway) = await ClusterUnderLoad.StartBehindGatewayAsync("truegwrolling");
        try
        {
            var (account, stores) = await ClusterUnderLoad.PrepareAsync(gateway.BaseAddress, settings.AdminToken);
            var load = WriteLoad.Start([gateway.BaseAddress], account, stores, writers: 8);
            var faultAt = await RestartInTurnAsync(silos, load);
            await StopAndAssertAsync("rolling restart, standalone gateway", settings, account, load, faultAt, [.. silos, gateway]);
        }
        finally
        {
            await Task.WhenAll(silos.Append(gateway).Select(s => s.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task KillNineOfACombinedSiloFailsNoRequestButThoseOnItsOwnConnectionsAndAnswersNoCommittedWriteWithAnError()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("truekill"));
        var cluster = $"truekill-{Guid.NewGuid():N}";
        var silos = await Task.WhenAll(SiloProcess.StartAsync(settings, cluster), SiloProcess.StartAsync(settings, cluster));
        var (killed, surviving) = (silos[0], silos[1]);
        try
        {
            var (account, stores) = await ClusterUnderLoad.PrepareAsync(surviving.BaseAddress, settings.AdminToken);
            // Activated through the silo about to die, most of the stores live there: the survivor's calls to them are
            // pending or refused until it is declared dead.
            await ClusterUnderLoad.ActivateAsync(killed.BaseAddress, account, stores);
            var load = WriteLoad.Start([killed.BaseAddress, surviving.BaseAddress], account, stores, writers: 8, failOver: true, followReadiness: true);
            await Task.Delay(Settle);
            var faultAt = load.Elapsed;
            killed.Kill();
            await EveryStoreTakesWritesAgainAsync(load, stores, faultAt);

            // A request in flight on the killed process's own connection is the one a client may not know the outcome of.
            await StopAndAssertAsync("kill -9, combined silos", settings, account, load, faultAt, silos, dropped: a => a.Gateway == 0 && a.Status == 0);
        }
        finally
        {
            await Task.WhenAll(silos.Select(s => s.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task KillNineOfASiloBehindAStandaloneGatewayFailsNoRequestAndAnswersNoCommittedWriteWithAnError()
    {
        var (settings, silos, gateway) = await ClusterUnderLoad.StartBehindGatewayAsync("truegwkill");
        try
        {
            var (account, stores) = await ClusterUnderLoad.PrepareAsync(gateway.BaseAddress, settings.AdminToken, stores: 12);
            // The gateway places them over both silos.
            await ClusterUnderLoad.ActivateAsync(gateway.BaseAddress, account, stores);
            var load = WriteLoad.Start([gateway.BaseAddress], account, stores, writers: 8);
            await Task.Delay(Settle);
            var faultAt = load.Elapsed;
            silos[0].Kill();
            await EveryStoreTakesWritesAgainAsync(load, stores, faultAt);
            await StopAndAssertAsync("kill -9, standalone gateway", settings, account, load, faultAt, [.. silos, gateway]);
            Assert.Equal(8, load.ConnectionsOpened);
        }
        finally
        {
            await Task.WhenAll(silos.Append(gateway).Select(s => s.DisposeAsync().AsTask()));
        }
    }

    /// <summary>
    /// Waits until every store has acknowledged a create sent two seconds or more after the kill (those that lived on
    /// the killed silo, once it is declared dead and they are activated again), then lets the load run a second more.
    /// </summary>
    private static async Task EveryStoreTakesWritesAgainAsync(WriteLoad load, IReadOnlyList<string> stores, TimeSpan killedAt)
    {
        var after = killedAt + TimeSpan.FromSeconds(2);
        var deadline = load.Elapsed + TimeSpan.FromSeconds(45);
        while (!stores.All(store => load.Attempts.Any(a => a.Store == store && a.Status == 200 && a.Finished - a.Took > after)))
        {
            Assert.True(load.Elapsed < deadline, $"some stores took no write for 45 s after the kill; {load.Summary()}");
            await Task.Delay(200);
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
    }

    /// <summary>
    /// Restarts each silo in turn (SIGTERM, then a new process on the same ports) under the load, letting the cluster
    /// settle before the first and after each, and answers when the first restart began.
    /// </summary>
    private static async Task<TimeSpan> RestartInTurnAsync(SiloProcess[] silos, WriteLoad load)
    {
        await Task.Delay(Settle);
        var faultAt = load.Elapsed;
        for (var i = 0; i < silos.Length; i++)
        {
            (silos[i], _) = await silos[i].RestartAsync();
            await Task.Delay(Settle);
        }

        return faultAt;
    }

    /// <summary>Stops the load, measures it against what PostgreSQL holds, prints the figures and asserts the goal.</summary>
    private async Task StopAndAssertAsync(
        string scenario, TestHostSettings settings, TestAccount account, WriteLoad load, TimeSpan faultAt,
        IReadOnlyList<SiloProcess> processes, Func<Attempt, bool>? dropped = null)
    {
        await load.StopAsync(grace: TimeSpan.FromSeconds(45));
        var figures = await FaultFigures.MeasureAsync(scenario, settings.ConnectionString, account, load, faultAt, dropped);
        Report(figures, processes);
        figures.AssertNothingFailedOrLost();
    }

    /// <summary>The figures, and what each process said about calls it answered with their failure.</summary>
    private void Report(FaultFigures figures, IEnumerable<SiloProcess> processes)
    {
        output.WriteLine(figures.ToString());
        foreach (var line in processes.SelectMany(p => p.Output.Split('\n')).Where(l => l.Contains("answered 503", StringComparison.Ordinal)
                     || l.Contains("was answered with its failure", StringComparison.Ordinal)).Take(20))
        {
            output.WriteLine(line);
        }
    }
}
