using System.Net;
using SecretsStore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SecretsStore.Tests.Faults;

/// <summary>
/// A standalone gateway process (<c>SecretsStore:Role=gateway</c>, an Orleans client) in front of two silo-only
/// processes, all on one database: the gateway finds the silos through the membership table and rides out a silo's
/// restart and its death without dropping a client's connection.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class StandaloneGatewayTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AGatewayWithoutAMasterKeyServesCreatesAndReadsFromTheSilosItFindsInTheMembershipTable()
    {
        var (settings, silos, gateway) = await ClusterUnderLoad.StartBehindGatewayAsync("gateway");
        await using var _1 = silos[0];
        await using var _2 = silos[1];
        await using var _3 = gateway;
        using var http = new HttpClient { BaseAddress = gateway.BaseAddress };
        var api = new ApiClient(http);

        var account = await AppFixture.NewAccountAsync(api, settings.AdminToken);
        var store = await api.CreateStoreAsync(account, "through-the-gateway");
        var created = await api.PostAsync($"{account.Base}/stores/{store}/secrets", account.WriteToken,
            new[] { new { name = "API_KEY", value = "sealed-in-a-grain", scopes = new[] { "workers" } } });
        Assert.Equal(200, created.Status);
        var id = created.Result[0].GetProperty("id").GetString();
        var read = await api.GetAsync($"{account.Base}/stores/{store}/secrets/{id}", account.ReadToken);
        Assert.Equal((200, "API_KEY"), (read.Status, read.Result.GetProperty("name").GetString()));
        // The master key lives in the silos only: they report holding it, though the gateway has none.
        var keys = await api.GetAsync("/admin/v1/keys", settings.AdminToken);
        Assert.Equal((200, true), (keys.Status, keys.Result[0].GetProperty("configured").GetBoolean()));

        // A silo-only process answers probes and nothing else.
        using var siloHttp = new HttpClient { BaseAddress = silos[0].BaseAddress };
        var silo = new ApiClient(siloHttp);
        Assert.Equal(200, (await silo.GetAsync("/readyz", null)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await siloHttp.GetAsync($"{account.Base}/stores/{store}/secrets/{id}")).StatusCode);
    }

    [Fact]
    public async Task ASiloRestartedWithSigtermUnderLoadDropsNoConnectionToTheGatewayAndLosesNothingAcknowledged()
    {
        var (settings, silos, gateway) = await ClusterUnderLoad.StartBehindGatewayAsync("gwrestart");
        var restarting = silos[0];
        await using var _2 = silos[1];
        await using var _3 = gateway;
        try
        {
            var (account, stores) = await ClusterUnderLoad.PrepareAsync(gateway.BaseAddress, settings.AdminToken);
            const int writers = 4;
            var load = WriteLoad.Start([gateway.BaseAddress], account, stores, writers);
            await Task.Delay(TimeSpan.FromSeconds(3));
            (restarting, var exit) = await restarting.RestartAsync();
            // Long enough for the gateway to find the restarted silo (every 2 s) and send it work.
            await Task.Delay(TimeSpan.FromSeconds(4));
            await load.StopAsync(grace: TimeSpan.FromSeconds(45));

            output.WriteLine($"silo exit on SIGTERM {exit.TotalSeconds:N1} s; {load.Summary()}; {load.ConnectionsOpened} connections opened by {writers} writers");
            output.WriteLine(string.Join('\n', gateway.Output.Split('\n').Where(l => l.Contains("503", StringComparison.Ordinal)).Take(10)));
            Assert.Equal(writers, load.ConnectionsOpened);
            Assert.DoesNotContain(load.Attempts, a => a.Status is 0 or -1 or 500);
            Assert.All(load.Failed, a => Assert.Equal((503, true), (a.Status, a.RetryAfter)));
            await ClusterUnderLoad.AssertNothingAcknowledgedIsLostAndUsageIsExactAsync(settings.ConnectionString, account, load);
        }
        finally
        {
            await restarting.DisposeAsync();
        }
    }

    [Fact]
    public async Task AfterKillNineOfASiloRequestsThroughTheGatewaySucceedAgainWithinTenSeconds()
    {
        var (settings, silos, gateway) = await ClusterUnderLoad.StartBehindGatewayAsync("gwkill");
        await using var killed = silos[0];
        await using var _2 = silos[1];
        await using var _3 = gateway;
        var (account, stores) = await ClusterUnderLoad.PrepareAsync(gateway.BaseAddress, settings.AdminToken, stores: 12);
        // Activates every store; the gateway places them over both silos.
        await ClusterUnderLoad.ActivateAsync(gateway.BaseAddress, account, stores);

        var load = WriteLoad.Start([gateway.BaseAddress], account, stores, writers: 8);
        var kill = await ClusterUnderLoad.KillUnderLoadAsync(load, killed, TimeSpan.FromSeconds(12));
        output.WriteLine($"{load.Summary()}; {kill.Summary}; {load.ConnectionsOpened} connections opened");
        kill.AssertRecoveredWithinTenSeconds();
        Assert.Contains(kill.AfterKill, a => a.Status == 200 && a.Finished > kill.KilledAt + kill.Recovered);
        Assert.Equal(8, load.ConnectionsOpened);
        await ClusterUnderLoad.AssertNothingAcknowledgedIsLostAndUsageIsExactAsync(settings.ConnectionString, account, load);
    }
}
