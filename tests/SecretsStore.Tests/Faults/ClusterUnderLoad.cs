using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Faults;

/// <summary>An account with stores spread over a cluster, ready for a write load.</summary>
public static class ClusterUnderLoad
{
    public static async Task<(TestAccount Account, List<string> Stores)> PrepareAsync(Uri gateway, string adminToken, int stores = 8)
    {
        using var http = new HttpClient { BaseAddress = gateway };
        var api = new ApiClient(http);
        var account = await AppFixture.NewAccountAsync(api, adminToken);
        Assert.Equal(200, (await api.PutAsync($"/admin/v1/accounts/{account.Id}/quota", adminToken, new { secrets = 1_000_000, stores = 64 })).Status);
        var ids = new List<string>();
        for (var i = 0; i < stores; i++)
        {
            ids.Add(await api.CreateStoreAsync(account, $"load{i}"));
        }

        return (account, ids);
    }

    /// <summary>Gets every store once through <paramref name="entry"/>, which activates each where that process places it.</summary>
    public static async Task ActivateAsync(Uri entry, TestAccount account, IEnumerable<string> stores)
    {
        using var http = new HttpClient { BaseAddress = entry };
        var api = new ApiClient(http);
        foreach (var store in stores)
        {
            Assert.Equal(200, (await api.GetAsync($"{account.Base}/stores/{store}", account.ReadToken)).Status);
        }
    }

    /// <summary>Kills a process two seconds into the load, lets the load run <paramref name="watch"/> longer and stops it.</summary>
    public static async Task<KillSeen> KillUnderLoadAsync(WriteLoad load, SiloProcess killed, TimeSpan watch)
    {
        await Task.Delay(TimeSpan.FromSeconds(2));
        var killedAt = load.Elapsed;
        killed.Kill();
        await Task.Delay(watch);
        await load.StopAsync(grace: TimeSpan.FromSeconds(45));

        var afterKill = load.Attempts.Where(a => a.Finished > killedAt).ToList();
        var failed = afterKill.Where(a => a.Status != 200).ToList();
        return new KillSeen(killedAt, afterKill, failed, failed.Count == 0 ? TimeSpan.Zero : failed.Max(a => a.Finished) - killedAt);
    }

    /// <summary>Holds what storage ended with against what clients were told: nothing acknowledged is missing, and usage counts exactly what is there.</summary>
    public static async Task<HashSet<string>> AssertNothingAcknowledgedIsLostAndUsageIsExactAsync(string connectionString, TestAccount account, WriteLoad load)
    {
        var stored = await StoredSecrets.NamesAsync(connectionString, account.Id);
        var lost = load.Acknowledged.Select(a => a.Key()).Where(k => !stored.Contains(k)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged creates are missing, e.g. {string.Join(", ", lost.Take(5))}");
        Assert.Equal(stored.Count, await StoredSecrets.UsageAsync(connectionString, account.Id));
        return stored;
    }

    /// <summary>Two silo-only processes and a gateway, on a fresh database and cluster; the gateway gets no master key.</summary>
    public static async Task<(TestHostSettings Settings, SiloProcess[] Silos, SiloProcess Gateway)> StartBehindGatewayAsync(string prefix)
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync(prefix));
        var cluster = $"{prefix}-{Guid.NewGuid():N}";
        // All three at once: the gateway waits for the silos by itself.
        var silos = Task.WhenAll(
            SiloProcess.StartAsync(settings, cluster, "--SecretsStore:Role=silo"),
            SiloProcess.StartAsync(settings, cluster, "--SecretsStore:Role=silo"));
        // Nor the owner's database credentials: it serves as the runtime role and waits for the silos' migrations.
        var gateway = SiloProcess.StartAsync(settings, cluster, "--SecretsStore:Role=gateway", "--SecretsStore:MasterKey=", "--ConnectionStrings:PostgresOwner=");
        return (settings, await silos, await gateway);
    }
}

/// <summary>What a load saw of a kill: the requests that finished after it, those that failed, and how long after it the last did.</summary>
public sealed record KillSeen(TimeSpan KilledAt, IReadOnlyList<Attempt> AfterKill, IReadOnlyList<Attempt> Failed, TimeSpan Recovered)
{
    public string Summary => $"{Failed.Count} failed after the kill, the last {Recovered.TotalSeconds:N1} s after it";

    /// <summary>The failover goal: every request that failed after the kill failed with a 503, the last within 10 s.</summary>
    public void AssertRecoveredWithinTenSeconds()
    {
        Assert.All(Failed, a => Assert.Equal(503, a.Status));
        Assert.True(Recovered <= TimeSpan.FromSeconds(10), $"requests failed until {Recovered.TotalSeconds:N1} s after the kill");
    }
}
