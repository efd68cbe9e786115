using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SecretsStore.Silo.Hosting;

namespace SecretsStore.Benchmarks.Tools;

/// <summary>An account the benchmark writes into, with a write token.</summary>
public sealed record BenchAccount(string Id, string Token)
{
    public string Base => $"/client/v4/accounts/{Id}/secrets_store";
}

/// <summary>The real service (silo and gateway in this process, as the run command starts it) on a database of its own.</summary>
public sealed class ServiceUnderTest : IAsyncDisposable
{
    private readonly SecretsStoreApp _app;
    private readonly ServiceClient _client;

    private ServiceUnderTest(SecretsStoreApp app, string adminToken)
    {
        _app = app;
        AdminToken = adminToken;
        Http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        _client = new ServiceClient(Http, adminToken);
    }

    public string AdminToken { get; }

    public HttpClient Http { get; }

    public Uri BaseAddress => _app.BaseAddress;

    public IGrainFactory Grains => _app.Web.Services.GetRequiredService<IGrainFactory>();

    /// <summary>How many rate-limit budget grains are active in the cluster (one per credential that made requests lately).</summary>
    public async Task<int> BudgetGrainActivationsAsync() =>
        (await Grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics())
            .Where(s => s.GrainType.Contains("CredentialBudgetGrain", StringComparison.Ordinal))
            .Sum(s => s.ActivationCount);

    public static async Task<ServiceUnderTest> StartAsync(BenchmarkContext context, params string[] extraArgs) =>
        await StartOnAsync(context, await context.NewDatabaseAsync("service"), [NewKey()], NewKey(), extraArgs);

    /// <summary>
    /// The service on a given database (the owner's connection string) with given master keys (oldest first) and admin
    /// token, so a scenario can restart it. It serves as the runtime role and migrates as the owner, as deployed.
    /// </summary>
    public static async Task<ServiceUnderTest> StartOnAsync(
        BenchmarkContext context, string connectionString, IReadOnlyList<string> masterKeys, string adminToken, params string[] extraArgs)
    {
        string[] args =
        [
            $"--ConnectionStrings:Postgres={context.RuntimeConnectionStringFor(connectionString)}",
            $"--ConnectionStrings:PostgresOwner={connectionString}",
            "--urls=http://127.0.0.1:0",
            $"--Orleans:SiloPort={FreePorts.Next()}",
            $"--Orleans:GatewayPort={FreePorts.Next()}",
            .. masterKeys.Select((key, i) => $"--SecretsStore:MasterKeys:{i}={key}"),
            $"--SecretsStore:AdminToken={adminToken}",
            "--SecretsStore:RateLimit:Requests=1000000000",
            "--SecretsStore:RateLimit:FailedAuthentications=1000000000",
            "--SecretsStore:RateLimit:FailedAuthenticationDelay=00:00:00",
            .. BenchmarkClusterCertificates.Args,
            .. extraArgs,
        ];
        var app = await SecretsStoreApp.CreateAsync(args);
        await app.Web.StartAsync();
        return new ServiceUnderTest(app, adminToken);
    }

    /// <summary>Base64 of 32 random bytes: a master key or an admin token.</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>A new account with a write token and room for millions of secrets and a thousand stores.</summary>
    public Task<BenchAccount> NewAccountAsync() => _client.NewAccountAsync();

    public Task<string> NewStoreAsync(BenchAccount account, string name) => _client.NewStoreAsync(account, name);

    /// <summary>Fills a store with <paramref name="count"/> secrets, 100 per request, a few requests at a time.</summary>
    public async Task FillAsync(BenchAccount account, string store, int count, string prefix = "FILL")
    {
        var batches = Enumerable.Range(0, (count + 99) / 100).ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (batch, _) =>
        {
            var items = Enumerable.Range(batch * 100, Math.Min(100, count - (batch * 100)))
                .Select(i => new { name = $"{prefix}_{i}", value = $"value-{i}-{Guid.NewGuid():N}", scopes = new[] { "workers" }, comment = i % 3 == 0 ? $"comment {i}" : null })
                .ToArray();
            await SendAsync(HttpMethod.Post, $"{account.Base}/stores/{store}/secrets", account.Token, items);
        });
    }

    /// <summary>Sends a request and answers the envelope's result, or throws with the answer when it failed.</summary>
    public Task<JsonElement> SendAsync(HttpMethod method, string path, string token, object? body = null) => _client.SendAsync(method, path, token, body);

    public async Task<byte[]> GetBytesAsync(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.DisposeAsync();
    }
}
