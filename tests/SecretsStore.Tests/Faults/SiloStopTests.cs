using SecretsStore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SecretsStore.Tests.Faults;

/// <summary>Two silo processes on one database under a write load; one of them is stopped, gracefully or not.</summary>
[Collection(FaultCollection.Name)]
public sealed class SiloStopTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ASiloStoppedWithSigtermUnderWriteLoadExitsWithinTenSecondsAndNoRequestHangs()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("stop"));
        var cluster = $"stop-{Guid.NewGuid():N}";
        await using var stopping = await SiloProcess.StartAsync(settings, cluster);
        await using var staying = await SiloProcess.StartAsync(settings, cluster);
        var (account, stores) = await ClusterUnderLoad.PrepareAsync(staying.BaseAddress, settings.AdminToken);

        var load = WriteLoad.Start([stopping.BaseAddress, staying.BaseAddress], account, stores);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var exit = await stopping.TerminateAsync(TimeSpan.FromSeconds(60));
        var afterStop = load.Attempts.Count;
        await Task.Delay(TimeSpan.FromSeconds(3));
        await load.StopAsync(grace: TimeSpan.FromSeconds(45));

        output.WriteLine($"SIGTERM exit {exit.TotalSeconds:N1} s; {load.Summary()}");
        output.WriteLine(string.Join('\n', staying.Output.Split('\n').Where(l => l.Contains("503", StringComparison.Ordinal)).Take(10)));
        Assert.True(exit < TimeSpan.FromSeconds(10), $"the silo took {exit.TotalSeconds:N1} s to exit:\n{stopping.Output}");
        var throughStaying = load.Attempts.Where(a => a.Gateway == 1).ToList();
        var slowest = throughStaying.Max(a => a.Took);
        Assert.True(slowest < TimeSpan.FromSeconds(10), $"a request through the other silo took {slowest.TotalSeconds:N1} s");
        Assert.All(throughStaying.Where(a => a.Status != 200), a => Assert.Equal((503, true), (a.Status, a.RetryAfter)));
        Assert.Contains(load.Attempts.Skip(afterStop), a => a.Status == 200);
        await ClusterUnderLoad.AssertNothingAcknowledgedIsLostAndUsageIsExactAsync(settings.ConnectionString, account, load);
    }

    [Fact]
    public async Task AfterKillNineOfASiloUnderWriteLoadNothingAcknowledgedIsLostAndTheQuotaCountsWhatIsThere()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("kill"));
        var cluster = $"kill-{Guid.NewGuid():N}";
        await using var killed = await SiloProcess.StartAsync(settings, cluster);
        await using var surviving = await SiloProcess.StartAsync(settings, cluster);
        var (account, stores) = await ClusterUnderLoad.PrepareAsync(surviving.BaseAddress, settings.AdminToken);

        var load = WriteLoad.Start([killed.BaseAddress, surviving.BaseAddress], account, stores);
        await Task.Delay(TimeSpan.FromSeconds(3));
        killed.Kill();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await load.StopAsync(grace: TimeSpan.FromSeconds(2));
        await surviving.TerminateAsync(TimeSpan.FromSeconds(60));

        output.WriteLine(load.Summary());
        Assert.DoesNotContain(load.Attempts, a => a.Status == 500);
        var stored = await ClusterUnderLoad.AssertNothingAcknowledgedIsLostAndUsageIsExactAsync(settings.ConnectionString, account, load);

        // A fresh silo, in a cluster of its own, reports the same usage through the API.
        await using var fresh = await TestHost.StartAsync(settings, $"--Orleans:ClusterId=after-{Guid.NewGuid():N}");
        using var http = new HttpClient { BaseAddress = fresh.BaseAddress };
        var quota = await new ApiClient(http).GetAsync($"{account.Base}/quota", account.ReadToken);
        Assert.Equal(stored.Count, quota.Result.GetProperty("secrets").GetProperty("usage").GetInt32());
    }

    [Fact]
    public async Task AfterKillNineOfASiloItsStoresAnswerAgainOnTheOtherWithinTenSeconds()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("failover"));
        var cluster = $"failover-{Guid.NewGuid():N}";
        await using var killed = await SiloProcess.StartAsync(settings, cluster);
        await using var surviving = await SiloProcess.StartAsync(settings, cluster);
        var (account, stores) = await ClusterUnderLoad.PrepareAsync(killed.BaseAddress, settings.AdminToken, stores: 12);
        // Activated through the silo about to die, most of the stores live there.
        await ClusterUnderLoad.ActivateAsync(killed.BaseAddress, account, stores);

        var load = WriteLoad.Start([surviving.BaseAddress], account, stores);
        var kill = await ClusterUnderLoad.KillUnderLoadAsync(load, killed, TimeSpan.FromSeconds(15));
        output.WriteLine($"{load.Summary()}; {kill.Summary}");
        kill.AssertRecoveredWithinTenSeconds();
        var slowest = kill.AfterKill.Max(a => a.Took);
        Assert.True(slowest < TimeSpan.FromSeconds(10), $"a request took {slowest.TotalSeconds:N1} s");
        await ClusterUnderLoad.AssertNothingAcknowledgedIsLostAndUsageIsExactAsync(settings.ConnectionString, account, load);
    }

    [Fact]
    public async Task ARollingRestartOfEverySiloUnderWriteLoadLosesNoAcknowledgedWriteAndAnswersNo500()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("rolling"));
        var cluster = $"rolling-{Guid.NewGuid():N}";
        var first = await SiloProcess.StartAsync(settings, cluster);
        var second = await SiloProcess.StartAsync(settings, cluster);
        try
        {
            var (account, stores) = await ClusterUnderLoad.PrepareAsync(first.BaseAddress, settings.AdminToken);
            var load = WriteLoad.Start([first.BaseAddress, second.BaseAddress], account, stores, failOver: true);
            await Task.Delay(TimeSpan.FromSeconds(3));
            var stoppedFirst = first;
            (first, var firstExit) = await first.RestartAsync();
            await Task.Delay(TimeSpan.FromSeconds(3));
            var stoppedSecond = second;
            (second, var secondExit) = await second.RestartAsync();
            await Task.Delay(TimeSpan.FromSeconds(3));
            await load.StopAsync(grace: TimeSpan.FromSeconds(45));
            foreach (var (silo, role) in new[] { (stoppedFirst, "first, stopped"), (stoppedSecond, "second, stopped"), (first, "first, restarted"), (second, "second, restarted") })
            {
                output.WriteLine(string.Join('\n', silo.Output.Split('\n').Where(l => l.Contains("503", StringComparison.Ordinal)).Select(l => $"[{role}] {l}")));
            }

            output.WriteLine($"exits on SIGTERM {firstExit.TotalSeconds:N1} s and {secondExit.TotalSeconds:N1} s; {load.Summary()}");
            Assert.True(firstExit < TimeSpan.FromSeconds(10) && secondExit < TimeSpan.FromSeconds(10));
            // The goal is no failed request at all. What is left, none to a few of ten thousand depending on the
            // machine's load, is printed above: a call still refused by a stopping silo after every repeat (503) and a
            // request on a connection accepted just as Kestrel stopped (0). Nothing else may fail, and nothing
            // acknowledged may be lost.
            Assert.DoesNotContain(load.Attempts, a => a.Status is not (200 or 503 or 0) || (a.Status == 503 && !a.RetryAfter));
            var stored = await ClusterUnderLoad.AssertNothingAcknowledgedIsLostAndUsageIsExactAsync(settings.ConnectionString, account, load);
            output.WriteLine($"of the failed creates, {load.Failed.Count(a => stored.Contains(a.Key()))} were committed all the same");
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task OnSigtermReadinessTurnsUnavailableFirstWhileRequestsAreStillServedThroughTheDrainDelay()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("drain"));
        await using var silo = await SiloProcess.StartAsync(settings, $"drain-{Guid.NewGuid():N}", "--SecretsStore:Shutdown:DrainDelay=00:00:03");
        using var http = new HttpClient { BaseAddress = silo.BaseAddress };
        var api = new ApiClient(http);
        var account = await AppFixture.NewAccountAsync(api, settings.AdminToken);

        var timer = System.Diagnostics.Stopwatch.StartNew();
        await silo.SendTerminateAsync();
        // The signal is handled a moment after kill returns: ask until readiness turns, well within the drain delay.
        var ready = await api.GetAsync("/readyz", null);
        while (ready.Status == 200 && timer.Elapsed < TimeSpan.FromSeconds(2))
        {
            await Task.Delay(50);
            ready = await api.GetAsync("/readyz", null);
        }

        var served = await api.GetAsync($"{account.Base}/quota", account.ReadToken);
        var exit = await silo.WaitForExitAsync(TimeSpan.FromSeconds(30), timer);

        output.WriteLine($"readiness {ready.Status} {ready.Body}; a request during the drain {served.Status}; exit after {exit.TotalSeconds:N1} s");
        Assert.Equal(503, ready.Status);
        Assert.Equal("stopping", ready.Body.GetProperty("status").GetString());
        Assert.Equal(200, served.Status);
        Assert.InRange(exit, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10));
    }
}
