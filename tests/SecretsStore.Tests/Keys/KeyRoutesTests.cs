using SecretsStore.Tests.Infrastructure;
using static SecretsStore.Tests.Keys.RotationWorld;

namespace SecretsStore.Tests.Keys;

/// <summary>The operator's key routes on the shared service, which has one configured key: what they show and whom they refuse.</summary>
[Collection(AppCollection.Name)]
public sealed class KeyRoutesTests(AppFixture app)
{
    private ApiClient Api => app.Api;

    [Fact]
    public async Task TheKeysRouteShowsTheCurrentKeyByFingerprintAndNeverTheKey()
    {
        var account = await app.NewAccountAsync();
        await Api.CreateStoreAsync(account);

        var keys = await Api.GetAsync("/admin/v1/keys", app.AdminToken);

        Assert.Equal(200, keys.Status);
        var key = Assert.Single(keys.Result.EnumerateArray());
        Assert.Equal(FingerprintOf(app.Settings.MasterKey), key.GetProperty("fingerprint").GetString());
        Assert.Equal("current", key.GetProperty("state").GetString());
        Assert.True(key.GetProperty("stores").GetInt64() >= 1);
        Assert.True(key.GetProperty("configured").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, key.GetProperty("retired").ValueKind);
        AssertNoneIn(keys.Body.GetRawText(), [app.Settings.MasterKey, Convert.ToHexStringLower(Convert.FromBase64String(app.Settings.MasterKey))], "the keys route");
    }

    [Fact]
    public async Task RotatingWhenNoNewKeyIsConfiguredIsAConflictAndChangesNothing()
    {
        var before = await Api.GetAsync("/admin/v1/keys", app.AdminToken);

        var rotated = await Api.PostAsync("/admin/v1/keys/rotate", app.AdminToken, null);

        Assert.Equal((409, 1003, false), (rotated.Status, rotated.ErrorCode, rotated.Success));
        Assert.StartsWith("no_new_master_key: ", rotated.ErrorMessage, StringComparison.Ordinal);
        var after = await Api.GetAsync("/admin/v1/keys", app.AdminToken);
        Assert.Equal(States(before), States(after));
    }

    [Theory]
    [InlineData("GET", "/admin/v1/keys")]
    [InlineData("POST", "/admin/v1/keys/rotate")]
    public async Task OnlyTheOperatorMayUseTheKeyRoutes(string method, string path)
    {
        var account = await app.NewAccountAsync();
        var (email, key) = await app.NewKeyAsync(account.Id);
        var serviceToken = (await app.NewServiceAsync()).Token;
        var verb = new HttpMethod(method);

        foreach (var token in new[] { account.WriteToken, account.ReadToken, serviceToken })
        {
            var refused = await Api.SendAsync(verb, path, token);
            Assert.Equal((403, 9109), (refused.Status, refused.ErrorCode));
        }

        var byKey = await Api.SendAsync(verb, path, null, headers: new Dictionary<string, string> { ["X-Auth-Email"] = email, ["X-Auth-Key"] = key });
        Assert.Equal((403, 9109), (byKey.Status, byKey.ErrorCode));
        var missing = await Api.SendAsync(verb, path, null);
        Assert.Equal((400, 9106), (missing.Status, missing.ErrorCode));
        var unknown = await Api.SendAsync(verb, path, $"{app.AdminToken}x");
        Assert.Equal((401, 10000), (unknown.Status, unknown.ErrorCode));
    }

    [Fact]
    public async Task TheRotateRouteTakesOnlyPost()
    {
        var wrongMethod = await Api.GetAsync("/admin/v1/keys/rotate", app.AdminToken);
        Assert.Equal((405, 7001), (wrongMethod.Status, wrongMethod.ErrorCode));
    }

    private static string States(ApiResponse keys) =>
        string.Join(',', keys.Result.EnumerateArray().Select(k => $"{k.GetProperty("fingerprint").GetString()}={k.GetProperty("state").GetString()}"));
}
