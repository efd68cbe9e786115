using Npgsql;
using SecretsStore.Silo.Hosting;

namespace SecretsStore.Tests.Infrastructure;

/// <summary>
/// Two silos of one cluster (ADO.NET membership on one fresh database), each with its own gateway: what is written
/// through one must read the same through the other.
/// </summary>
public sealed class TwoSiloFixture : IAsyncLifetime
{
    private SecretsStoreApp? _a;
    private SecretsStoreApp? _b;
    private HttpClient? _httpA;
    private HttpClient? _httpB;

    public TestHostSettings Settings { get; private set; } = null!;
    public ApiClient A { get; private set; } = null!;
    public ApiClient B { get; private set; } = null!;
    public string AdminToken => Settings.AdminToken;

    public async Task InitializeAsync()
    {
        Settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("twosilo"));
        _a = await TestHost.StartAsync(Settings);
        _b = await TestHost.StartAsync(Settings);
        _httpA = new HttpClient { BaseAddress = _a.BaseAddress };
        _httpB = new HttpClient { BaseAddress = _b.BaseAddress };
        A = new ApiClient(_httpA);
        B = new ApiClient(_httpB);
    }

    public async Task DisposeAsync()
    {
        _httpA?.Dispose();
        _httpB?.Dispose();
        foreach (var app in new[] { _a, _b })
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
        }
    }

    public Task<TestAccount> NewAccountAsync() => AppFixture.NewAccountAsync(A, AdminToken);

    /// <summary>A new service with these scopes, acting in every account (<c>*</c>).</summary>
    public Task<TestService> NewServiceAsync(params string[] scopes) => AppFixture.NewServiceAsync(A, AdminToken, scopes);

    /// <summary>A new service with these scopes, granted only <paramref name="accounts"/>.</summary>
    public Task<TestService> NewServiceAsync(string[] scopes, string[] accounts) => AppFixture.NewServiceAsync(A, AdminToken, scopes, accounts);

    /// <summary>Runs SQL on the test's database (as the superuser), e.g. to read the audit table raw.</summary>
    public async Task<List<string>> QueryAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Settings.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.IsDBNull(0) ? "" : Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        }

        return rows;
    }
}

[CollectionDefinition(Name)]
public sealed class TwoSiloCollection : ICollectionFixture<TwoSiloFixture>
{
    public const string Name = "two-silos";
}
