using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Security;

/// <summary>
/// Review finding 8: any credential could write refusals into another account's trail, and that account's readers then
/// saw other tenants' token ids and key emails. Refusals of a principal foreign to the account are now the operator's
/// alone.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class ForeignIdentityAuditTests(AppFixture app)
{
    private ApiClient Api => app.Api;

    [Fact]
    public async Task NoForeignIdentityReachesAnAccountsTrailAndTheOperatorsTrailKeepsEveryRefusal()
    {
        var (victim, attacker) = (await app.NewAccountAsync(), await app.NewAccountAsync());
        var (email, key) = await app.NewKeyAsync(attacker.Id);
        var attackerTokenId = await TokenIdAsync(attacker, "w");
        var service = await app.NewServiceAsync(["workers"], [attacker.Id]);
        var store = await Api.CreateStoreAsync(victim);
        var keyHeaders = new Dictionary<string, string> { ["X-Auth-Email"] = email, ["X-Auth-Key"] = key };
        var planted = new { name = "planted" };

        // Each foreign credential knocks on the victim's doors: its account routes, its system routes, its values.
        var refusals = new[]
        {
            await Api.PostAsync($"{victim.Base}/stores", attacker.WriteToken, planted),
            await Api.DeleteAsync($"{victim.Base}/stores/{store}", attacker.WriteToken),
            await Api.SendAsync(HttpMethod.Post, $"{victim.Base}/stores", null, planted, headers: keyHeaders),
            await Api.PostAsync($"{TestService.Base(victim.Id)}/stores", attacker.WriteToken, new { name = "planted", account_id = 1 }),
            await Api.PostAsync($"{TestService.Base(victim.Id)}/stores", service.Token, new { name = "planted", account_id = 1 }),
            await Api.GetAsync($"{TestService.Base(victim.Id)}/stores/{store}/secrets/by-name/ANY/value", service.Token),
        };
        Assert.All(refusals, r => Assert.Contains(r.Status, new[] { 403, 404 }));

        var identities = new[] { $"token:{attackerTokenId}", $"key:{email}", $"service:{service.Name}" };
        var victimTrail = (await Api.GetAsync($"{victim.Base}/audit?per_page=100", victim.ReadToken)).Body.GetRawText();
        foreach (var identity in identities.Append(attackerTokenId).Append(email).Append(service.Name))
        {
            Assert.DoesNotContain(identity, victimTrail, StringComparison.Ordinal);
        }

        // The operator sees each refusal, filed under no account and addressed to the victim's.
        var operatorTrail = await Api.GetAsync($"/admin/v1/audit?account_id={victim.Id}&per_page=100", app.AdminToken);
        var recorded = operatorTrail.Result.EnumerateArray()
            .Where(r => r.GetProperty("outcome").GetString() == "refused")
            .ToDictionary(r => r.GetProperty("request_id").GetString()!);
        foreach (var refusal in refusals)
        {
            var record = recorded[refusal.Header("x-request-id")!];
            Assert.Contains(record.GetProperty("principal").GetString(), identities);
            Assert.Equal((null, victim.Id), (record.GetProperty("account_id").GetString(), record.GetProperty("addressed_account_id").GetString()));
            Assert.Equal(refusal.Status, record.GetProperty("status").GetInt32());
        }

        Assert.Equal(identities.Order(StringComparer.Ordinal), recorded.Values.Select(r => r.GetProperty("principal").GetString()!).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AnAccountsOwnRefusalsAndAGrantedServicesActionsStayInItsTrail()
    {
        var account = await app.NewAccountAsync();
        var service = await app.NewServiceAsync(["workers"], [account.Id]);
        var store = await Api.CreateStoreAsync(account);
        var readOnly = await Api.PostAsync($"{account.Base}/stores/{store}/secrets", account.ReadToken, new[] { new { name = "R", value = "r", scopes = new[] { "workers" } } });
        var read = await Api.GetAsync($"{TestService.Base(account.Id)}/stores/{store}/secrets/by-name/MISSING/value", service.Token);
        Assert.Equal((403, 404), (readOnly.Status, read.Status));

        // A service acts in the accounts it is granted, so its name is theirs to see, as their own tokens' ids are.
        var trail = (await Api.GetAsync($"{account.Base}/audit?per_page=100", account.ReadToken)).Result.EnumerateArray().ToList();
        var readTokenId = await TokenIdAsync(account, "r");
        Assert.Contains(trail, r => r.GetProperty("request_id").GetString() == readOnly.Header("x-request-id") && r.GetProperty("principal").GetString() == $"token:{readTokenId}");
        Assert.Contains(trail, r => r.GetProperty("request_id").GetString() == read.Header("x-request-id") && r.GetProperty("principal").GetString() == $"service:{service.Name}");
        Assert.All(trail, r => Assert.Equal(account.Id, r.GetProperty("account_id").GetString()));
    }

    /// <summary>The id of the account's token with this name (the fixture names its write token w and its read token r).</summary>
    private async Task<string> TokenIdAsync(TestAccount account, string name) =>
        (await Api.GetAsync($"/admin/v1/accounts/{account.Id}/tokens", app.AdminToken)).Result.EnumerateArray()
            .Single(t => t.GetProperty("name").GetString() == name).GetProperty("id").GetString()!;
}
