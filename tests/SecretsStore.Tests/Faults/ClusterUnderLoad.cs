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

    /// <summary>Holds what storage ended with against what clients were told: nothing acknowledged is missing, and usage counts exactly what is there.</summary>
    public static async Task<HashSet<string>> AssertNothingAcknowledgedIsLostAndUsageIsExactAsync(string connectionString, TestAccount account, WriteLoad load)
    {
        var stored = await StoredSecrets.NamesAsync(connectionString, account.Id);
        var lost = load.Acknowledged.Select(a => a.Key()).Where(k => !stored.Contains(k)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged creates are missing, e.g. {string.Join(", ", lost.Take(5))}");
        Assert.Equal(stored.Count, await StoredSecrets.UsageAsync(connectionString, account.Id));
        return stored;
    }
}
