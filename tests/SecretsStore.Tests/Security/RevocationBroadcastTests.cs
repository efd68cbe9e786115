using System.Diagnostics;
using SecretsStore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SecretsStore.Tests.Security;

/// <summary>
/// Review finding 14: a revocation took effect only on the node that made it; the others honoured the credential
/// until their cache expired. Now every revocation is broadcast to every gateway (<see cref="RevocationCluster"/>:
/// two co-hosted and one standalone, caching look-ups for a minute), and each refuses the credential within a second.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class RevocationBroadcastTests(RevocationCluster cluster, ITestOutputHelper output) : IClassFixture<RevocationCluster>
{
    private static readonly TimeSpan Goal = TimeSpan.FromSeconds(1);

    private ApiClient[] Gateways => cluster.Gateways;

    private string Admin => cluster.Settings.AdminToken;

    [Fact]
    public async Task ATokenRevokedThroughACoHostedGatewayIsRefusedByEveryGatewayWithinASecond()
    {
        var account = await AppFixture.NewAccountAsync(Gateways[0], Admin);
        var made = await Gateways[0].PostAsync($"/admin/v1/accounts/{account.Id}/tokens", Admin, new { name = "revoked", permission = "read" });
        var (id, token) = (made.Result.GetProperty("id").GetString(), made.Result.GetProperty("token").GetString());
        var quota = $"{account.Base}/quota";
        await WarmAsync(gateway => gateway.GetAsync(quota, token));

        var revoked = await Gateways[1].DeleteAsync($"/admin/v1/accounts/{account.Id}/tokens/{id}", Admin);
        Assert.Equal(200, revoked.Status);
        await AssertRefusedEverywhereWithinTheGoalAsync("the revoked token", gateway => gateway.GetAsync(quota, token), 401);
        await AssertStillServedEverywhereAsync(gateway => gateway.GetAsync(quota, account.ReadToken));
    }

    [Fact]
    public async Task AKeyDeletedThroughTheStandaloneGatewayIsRefusedByEveryGatewayWithinASecond()
    {
        var account = await AppFixture.NewAccountAsync(Gateways[0], Admin);
        var email = $"ops-{Guid.NewGuid():N}@example.test";
        var key = (await Gateways[2].PostAsync($"/admin/v1/accounts/{account.Id}/keys", Admin, new { email })).Result.GetProperty("key").GetString()!;
        var headers = new Dictionary<string, string> { ["X-Auth-Email"] = email, ["X-Auth-Key"] = key };
        var quota = $"{account.Base}/quota";
        await WarmAsync(gateway => gateway.SendAsync(HttpMethod.Get, quota, null, headers: headers));

        Assert.Equal(200, (await Gateways[2].DeleteAsync($"/admin/v1/accounts/{account.Id}/keys/{email}", Admin)).Status);
        await AssertRefusedEverywhereWithinTheGoalAsync("the deleted key", gateway => gateway.SendAsync(HttpMethod.Get, quota, null, headers: headers), 401);
    }

    [Fact]
    public async Task AServicesReplacedTokenAndThenTheDeletedServiceAreRefusedByEveryGatewayWithinASecond()
    {
        var account = await AppFixture.NewAccountAsync(Gateways[0], Admin);
        var service = await AppFixture.NewServiceAsync(Gateways[0], Admin);
        var stores = $"{TestService.Base(account.Id)}/stores";
        await WarmAsync(gateway => gateway.GetAsync(stores, service.Token));

        var rotated = await Gateways[1].PostAsync($"/admin/v1/services/{service.Name}/token", Admin, null);
        Assert.Equal(200, rotated.Status);
        var replacement = rotated.Result.GetProperty("token").GetString();
        await AssertRefusedEverywhereWithinTheGoalAsync("the replaced service token", gateway => gateway.GetAsync(stores, service.Token), 401);
        await WarmAsync(gateway => gateway.GetAsync(stores, replacement));

        Assert.Equal(200, (await Gateways[2].DeleteAsync($"/admin/v1/services/{service.Name}", Admin)).Status);
        await AssertRefusedEverywhereWithinTheGoalAsync("the deleted service's token", gateway => gateway.GetAsync(stores, replacement), 401);
    }

    [Fact]
    public async Task ADeletedAccountsTokensAndTheAccountItselfAreGoneOnEveryGatewayWithinASecond()
    {
        var account = await AppFixture.NewAccountAsync(Gateways[0], Admin);
        var service = await AppFixture.NewServiceAsync(Gateways[0], Admin);
        var quota = $"{account.Base}/quota";
        var stores = $"{TestService.Base(account.Id)}/stores";
        // Each gateway then holds the token and, for a minute, that the account exists.
        await WarmAsync(gateway => gateway.GetAsync(quota, account.ReadToken));
        await WarmAsync(gateway => gateway.GetAsync(stores, service.Token));

        Assert.Equal(200, (await Gateways[0].DeleteAsync($"/admin/v1/accounts/{account.Id}", Admin)).Status);
        await AssertRefusedEverywhereWithinTheGoalAsync("the deleted account's token", gateway => gateway.GetAsync(quota, account.ReadToken), 401);
        await AssertRefusedEverywhereWithinTheGoalAsync("the deleted account, to a service", gateway => gateway.GetAsync(stores, service.Token), 404);
    }

    /// <summary>Each gateway serves the request twice, so each has looked the credential up and cached it.</summary>
    private async Task WarmAsync(Func<ApiClient, Task<ApiResponse>> request)
    {
        foreach (var gateway in Gateways)
        {
            for (var i = 0; i < 2; i++)
            {
                var answer = await request(gateway);
                Assert.True(answer.Status == 200, $"warming answered {answer.Status}: {answer.Body}");
            }
        }
    }

    private async Task AssertStillServedEverywhereAsync(Func<ApiClient, Task<ApiResponse>> request)
    {
        foreach (var gateway in Gateways)
        {
            Assert.Equal(200, (await request(gateway)).Status);
        }
    }

    /// <summary>
    /// Asks every gateway at once, again and again, until each answers <paramref name="refused"/>, from the moment the
    /// revocation was answered; waits up to five seconds so that a miss shows how late it was.
    /// </summary>
    private async Task AssertRefusedEverywhereWithinTheGoalAsync(string what, Func<ApiClient, Task<ApiResponse>> request, int refused)
    {
        var since = Stopwatch.StartNew();
        var took = await Task.WhenAll(Gateways.Select(async gateway =>
        {
            while (true)
            {
                var answer = await request(gateway);
                if (answer.Status == refused)
                {
                    return since.Elapsed;
                }

                Assert.True(answer.Status == 200, $"{what} answered {answer.Status}: {answer.Body}");
                if (since.Elapsed > TimeSpan.FromSeconds(5))
                {
                    return TimeSpan.MaxValue;
                }

                await Task.Delay(20);
            }
        }));

        output.WriteLine($"{what}: refused after {string.Join(", ", took.Select(t => t == TimeSpan.MaxValue ? "never" : $"{t.TotalMilliseconds:N0} ms"))}");
        Assert.All(took, t => Assert.True(t <= Goal, $"{what} was still honoured after {Goal.TotalSeconds} s on a gateway:\n{cluster.Output}"));
    }
}
