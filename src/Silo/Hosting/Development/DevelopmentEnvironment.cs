using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using SecretsStore.Api;
using SecretsStore.Api.Access;
using SecretsStore.Persistence.Access;
using SecretsStore.Grains.Crypto;
using SecretsStore.Grains.Keys;
using SecretsStore.Silo.Hosting.Transport;

namespace SecretsStore.Silo.Hosting.Development;

/// <summary>
/// What a development run (no <c>ConnectionStrings:Postgres</c>) brings along in its data folder: an exclusive claim
/// on the folder, a private PostgreSQL (with an owner and a runtime role, each with a password of its own; under the
/// data folder, or linked from it when PostgreSQL's user cannot reach it: <see cref="EmbeddedPostgresHome"/>), the
/// ports it is not given (<see cref="DevelopmentPorts"/>), and, unless configured, an admin token, an account and a
/// master key of its own. A run with a connection string never makes one.
/// </summary>
public sealed class DevelopmentEnvironment : IAsyncDisposable
{
    public const string DatabaseName = "secretsstore";

    private readonly DataFolderLock _claim;
    private readonly EmbeddedPostgres _postgres;

    private DevelopmentEnvironment(string folder, DataFolderLock claim, EmbeddedPostgres postgres, DevelopmentPorts ports)
    {
        Folder = folder;
        _claim = claim;
        _postgres = postgres;
        Ports = ports;
    }

    public string Folder { get; }

    /// <summary>Where its PostgreSQL keeps its files (links resolved), and the port it listens on (127.0.0.1).</summary>
    public string DatabaseFolder => _postgres.RootDirectory;

    public int DatabasePort => _postgres.Port;

    /// <summary>The HTTP and Orleans ports it chose, because none were set.</summary>
    public DevelopmentPorts Ports { get; }

    /// <summary>Both roles, as a production deployment should have them: the superuser migrates, the runtime role serves.</summary>
    public DatabaseLogins Logins => new(_postgres.RuntimeConnectionStringFor(DatabaseName), _postgres.ConnectionStringFor(DatabaseName));

    /// <summary>The credentials this run made or found (null when an admin token is configured).</summary>
    public DevelopmentCredentials? Credentials { get; private set; }

    /// <param name="configuredUrls">The HTTP URLs set for the run; null or empty lets it choose (8787 when free).</param>
    /// <exception cref="DataFolderInUseException">Another process holds the folder; nothing in it was touched.</exception>
    /// <exception cref="StartRefusedException">A port that is set is in use, or PostgreSQL has nowhere it can run.</exception>
    public static async Task<DevelopmentEnvironment> StartAsync(
        SecretsStoreHostOptions options, HostRole role, string? configuredUrls, Action<string> announce, CancellationToken ct)
    {
        var folder = DataFolder.Resolve(options);
        // Claimed before anything in the folder is touched: a second start on it must leave the first one's
        // PostgreSQL, ports and membership alone.
        var claim = DataFolderLock.Acquire(folder);
        try
        {
            var ports = DevelopmentPorts.Assign(folder, options, role, configuredUrls);
            var home = await EmbeddedPostgresHome.ResolveAsync(folder, ct);
            var postgres = await EmbeddedPostgres.StartAsync(home.Path, ct: ct);
            announce($"Started PostgreSQL under {home.Path} on port {postgres.Port}{(home.Note is null ? "." : $": {home.Note}")}");
            return new DevelopmentEnvironment(folder, claim, postgres, ports);
        }
        catch
        {
            claim.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Without a configured admin token: the credentials of an earlier start (or new ones), whose admin token then
    /// stands in for <c>SecretsStore:AdminToken</c> wherever the host reads it. Needs the migrated database.
    /// </summary>
    public async Task AddCredentialsAsync(IServiceCollection services, SecretsStoreHostOptions options, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(options.AdminToken))
        {
            return;
        }

        var credentials = await DevelopmentCredentials.EnsureAsync(Folder, new AccountRepository(dataSource), new CredentialRepository(dataSource), ct);
        Credentials = credentials;
        services.PostConfigure<SecretsStoreHostOptions>(o => o.AdminToken = credentials.AdminToken);
        services.PostConfigure<ApiOptions>(o => o.AdminToken = credentials.AdminToken);
    }

    /// <summary>
    /// The master keys in the data folder's key file, made on first use. Rotation then adds keys to that file, so the
    /// next start has every key the database needs.
    /// </summary>
    public MasterKeyRing AddMasterKeys(IServiceCollection services, Action<string> announce)
    {
        var file = DevelopmentMasterKeyFile.Ensure(Folder, announce);
        services.AddSingleton<IMasterKeyGenerator>(file);
        return file.Read();
    }

    /// <summary>
    /// The cluster CA and certificate under the data folder's <c>cluster/</c> (owner-only), made on first use and reused
    /// after. The processes that <c>scripts/cluster.sh</c> joins to this run are pointed at the same files.
    /// </summary>
    public ClusterTlsOptions EnsureClusterCertificates(SecretsStoreHostOptions options, Action<string> announce) =>
        ClusterCertificateFiles.Ensure(Path.Combine(Folder, ClusterFolderName), options.Orleans.ClusterId, announce);

    public const string ClusterFolderName = "cluster";

    /// <summary>Writes the listening address into the folder's owner file, for the message a second start prints.</summary>
    public void AnnounceWhenListening(WebApplication web, Func<Uri> address) =>
        web.Lifetime.ApplicationStarted.Register(() => _claim.Announce(address()));

    public async ValueTask DisposeAsync()
    {
        // The providers pool connections by connection string; once our own server stops they are dead, and a later
        // start in this process (same port) must not be handed one.
        NpgsqlConnection.ClearAllPools();
        await _postgres.DisposeAsync();
        _claim.Dispose();
    }
}
