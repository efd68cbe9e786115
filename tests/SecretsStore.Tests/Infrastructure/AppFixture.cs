using SecretsStore.Silo.Hosting;

namespace SecretsStore.Tests.Infrastructure;

/// <summary>
/// The app under test, running on a fresh database and shared by the HTTP tests; each test makes its own account, so tests
/// never see each other's stores.
/// </summary>
public class AppFixture : IAsyncLifetime
{
    private SecretsStoreApp? _app;

    public ApiClient Api { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public TestHostSettings Settings { get; private set; } = null!;
    public SecretsStoreApp App => _app!;
    public string AdminToken => Settings.AdminToken;

    public async Task InitializeAsync()
    {
        Settings = await SettingsAsync();
        _app = await TestHost.StartAsync(Settings);
        Http = new HttpClient { BaseAddress = _app.BaseAddress };
        Api = new ApiClient(Http);
    }

    /// <summary>The database and credentials the app starts with: a fresh database of the shared server.</summary>
    protected virtual async Task<TestHostSettings> SettingsAsync() => TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("http"));

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    public Task<TestAccount> NewAccountAsync() => NewAccountAsync(Api, AdminToken);

    /// <summary>A legacy account key for a fresh email on the account; answers the email and the key.</summary>
    public async Task<(string Email, string Key)> NewKeyAsync(string accountId)
    {
        var email = $"ops-{Guid.NewGuid():N}@example.test";
        var created = await Api.PostAsync($"/admin/v1/accounts/{accountId}/keys", AdminToken, new { email });
        Assert.True(created.Status == 200, $"key create answered {created.Status}: {created.Body}");
        return (email, created.Result.GetProperty("key").GetString()!);
    }

    /// <summary>
    /// A new service principal with a unique name; answers its name and token. It acts in every account (<c>*</c>)
    /// unless <paramref name="accounts"/> names the accounts it is granted.
    /// </summary>
    public Task<TestService> NewServiceAsync(string[]? scopes = null, string[]? accounts = null) =>
        NewServiceAsync(Api, AdminToken, scopes ?? ["workers"], accounts);

    /// <summary>The same through any node: every way a test makes a service goes through here.</summary>
    public static async Task<TestService> NewServiceAsync(ApiClient api, string adminToken, string[]? scopes = null, string[]? accounts = null)
    {
        var name = $"svc-{Guid.NewGuid():N}"[..20];
        var created = await api.PostAsync("/admin/v1/services", adminToken, new { name, scopes = scopes ?? ["workers"], accounts = accounts ?? ["*"] });
        Assert.True(created.Status == 200, $"service create answered {created.Status}: {created.Body}");
        return new TestService(name, created.Result.GetProperty("token").GetString()!);
    }

    public static async Task<TestAccount> NewAccountAsync(ApiClient api, string adminToken)
    {
        var account = await api.PostAsync("/admin/v1/accounts", adminToken, new { name = "test" });
        var id = account.Result.GetProperty("id").GetString()!;
        var write = await api.PostAsync($"/admin/v1/accounts/{id}/tokens", adminToken, new { name = "w", permission = "write" });
        var read = await api.PostAsync($"/admin/v1/accounts/{id}/tokens", adminToken, new { name = "r", permission = "read" });
        return new TestAccount(id, write.Result.GetProperty("token").GetString()!, read.Result.GetProperty("token").GetString()!);
    }
}

[CollectionDefinition(Name)]
public sealed class AppCollection : ICollectionFixture<AppFixture>
{
    public const string Name = "app";
}
