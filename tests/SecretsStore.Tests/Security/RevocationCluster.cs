using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Security;

/// <summary>
/// Two silo processes, each co-hosting a gateway, and a standalone gateway process (an Orleans client), on one
/// database and cluster: three gateways whose credential caches keep a look-up for a minute, so that only the
/// cluster's revocation broadcast can make a revocation take effect on all of them within a second.
/// </summary>
public sealed class RevocationCluster : IAsyncLifetime
{
    private const string LongCache = "--SecretsStore:CredentialCacheDuration=00:01:00";

    private SiloProcess[] _nodes = [];
    private HttpClient[] _http = [];

    public TestHostSettings Settings { get; private set; } = null!;

    /// <summary>The first silo's gateway, the second silo's and the standalone gateway.</summary>
    public ApiClient[] Gateways { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("revocation"));
        var cluster = $"revocation-{Guid.NewGuid():N}";
        var silos = Task.WhenAll(SiloProcess.StartAsync(Settings, cluster, LongCache), SiloProcess.StartAsync(Settings, cluster, LongCache));
        var gateway = SiloProcess.StartAsync(Settings, cluster, LongCache, "--SecretsStore:Role=gateway", "--SecretsStore:MasterKey=");
        _nodes = [.. await silos, await gateway];
        _http = [.. _nodes.Select(n => new HttpClient { BaseAddress = n.BaseAddress })];
        Gateways = [.. _http.Select(h => new ApiClient(h))];
    }

    public async Task DisposeAsync()
    {
        foreach (var http in _http)
        {
            http.Dispose();
        }

        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    /// <summary>What each process printed, for a failure message.</summary>
    public string Output => string.Join("\n----\n", _nodes.Select(n => n.Output));
}
