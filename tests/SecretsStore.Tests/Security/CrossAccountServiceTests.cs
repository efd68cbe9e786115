using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Security;

/// <summary>
/// Review finding 3: a service's consumer scopes reached every tenant. A service now acts only in the accounts it is
/// granted; any other account is, to it, an account that does not exist.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class CrossAccountServiceTests(AppFixture app)
{
    private ApiClient Api => app.Api;

    [Fact]
    public async Task AServiceReadsNoValueByScopeInAnAccountItIsNotGranted()
    {
        var (victim, own) = (await app.NewAccountAsync(), await app.NewAccountAsync());
        var store = await Api.CreateStoreAsync(victim);
        var secret = (await Api.CreateSecretAsync(victim, store, "DATABASE_URL", "postgres://victim")).GetProperty("id").GetString();
        var reader = await app.NewServiceAsync(["workers"], [own.Id]);
        var values = $"{TestService.Base(victim.Id)}/stores/{store}/secrets";

        foreach (var path in new[] { $"{values}/{secret}/value", $"{values}/by-name/DATABASE_URL/value" })
        {
            var refused = await Api.GetAsync(path, reader.Token);
            Assert.Equal((404, 1001, "account_not_found"), (refused.Status, refused.ErrorCode, refused.ErrorMessage));
            Assert.DoesNotContain("postgres://victim", refused.Body.GetRawText(), StringComparison.Ordinal);
        }

        // The same secret, the same scope: a service granted the account reads it, so the refusal is the grant's doing.
        var granted = await app.NewServiceAsync(["workers"], [victim.Id]);
        Assert.Equal("postgres://victim", (await Api.GetAsync($"{values}/{secret}/value", granted.Token)).Result.GetProperty("value").GetString());
    }

    [Fact]
    public async Task AnAccountAServiceIsNotGrantedAnswersEverySystemRouteExactlyAsOneThatDoesNotExist()
    {
        var (victim, own) = (await app.NewAccountAsync(), await app.NewAccountAsync());
        var store = await Api.CreateStoreAsync(victim);
        var secret = (await Api.CreateSecretAsync(victim, store, "TOKEN", "victim-value")).GetProperty("id").GetString();
        var service = await app.NewServiceAsync(["workers"], [own.Id]);
        var nowhere = Guid.NewGuid().ToString("N");

        foreach (var (method, path, body) in SystemRoutes(store, secret!))
        {
            var ungranted = await Api.SendAsync(method, TestService.Base(victim.Id) + path, service.Token, body);
            var missing = await Api.SendAsync(method, TestService.Base(nowhere) + path, service.Token, body);
            var what = $"{method} {path}";
            Assert.True(ungranted.Status == 404, $"{what}: {ungranted.Status} {ungranted.Body}");
            Assert.Equal((missing.Status, missing.Body.GetRawText()), (ungranted.Status, ungranted.Body.GetRawText()));
            Assert.Equal(HeadersOf(missing), HeadersOf(ungranted));
        }

        Assert.Equal(200, (await Api.GetAsync($"{victim.Base}/stores/{store}/secrets/{secret}", victim.ReadToken)).Status);
        Assert.Single((await Api.GetAsync($"{victim.Base}/stores", victim.ReadToken)).Result.EnumerateArray());
    }

    /// <summary>Every system route, value routes included, with a body each would accept.</summary>
    private static IEnumerable<(HttpMethod Method, string Path, object? Body)> SystemRoutes(string store, string secret) =>
    [
        (HttpMethod.Post, "/stores", new { name = "planted", account_id = 7 }),
        (HttpMethod.Get, "/stores", null),
        (HttpMethod.Get, $"/stores/{store}", null),
        (HttpMethod.Delete, $"/stores/{store}?force=true", null),
        (HttpMethod.Post, $"/stores/{store}/secrets", new[] { new { name = "PLANTED", value = "v", scopes = new[] { "workers" } } }),
        (HttpMethod.Get, $"/stores/{store}/secrets", null),
        (HttpMethod.Delete, $"/stores/{store}/secrets", new { ids = new[] { secret } }),
        (HttpMethod.Get, $"/stores/{store}/secrets/{secret}", null),
        (HttpMethod.Patch, $"/stores/{store}/secrets/{secret}", new { value = "changed" }),
        (HttpMethod.Delete, $"/stores/{store}/secrets/{secret}", null),
        (HttpMethod.Post, $"/stores/{store}/secrets/{secret}/duplicate", new { name = "COPY", scopes = new[] { "workers" } }),
        (HttpMethod.Get, $"/stores/{store}/secrets/{secret}/value", null),
        (HttpMethod.Get, $"/stores/{store}/secrets/by-name/TOKEN/value", null),
    ];

    /// <summary>The headers' names, and their values but for the two that differ on every answer (its time, its request id).</summary>
    private static string HeadersOf(ApiResponse response) =>
        string.Join('\n', response.Headers
            .OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
            .Select(h => h.Key.ToLowerInvariant() is "date" or "x-request-id" ? h.Key : $"{h.Key}: {string.Join(',', h.Value)}"))
        + $"\ncontent-type: {response.ContentType}";
}
