using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SecretsStore.Silo.Hosting;
using SecretsStore.Silo.Hosting.Development;
using SecretsStore.Silo.Hosting.Transport;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Hosting;

/// <summary>The run command's embedded default: its own PostgreSQL, master key and credentials under the data folder.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DevelopmentRunTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"secretsstore-dev-{Guid.NewGuid():N}");

    /// <summary>A folder only its owner may enter, as <c>mktemp -d</c> makes one (and as <c>/root</c> is).</summary>
    private readonly string _private = Path.Combine(Path.GetTempPath(), $"secretsstore-private-{Guid.NewGuid():N}");

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private Task<SecretsStoreApp> StartAsync() => StartAsync(_data);

    private string ClusterFolder => Path.Combine(_data, DevelopmentEnvironment.ClusterFolderName);

    private static async Task<SecretsStoreApp> StartAsync(string data)
    {
        var app = await SecretsStoreApp.CreateAsync(
        [
            $"--SECRETSSTORE_DATA={data}",
            "--urls=http://127.0.0.1:0",
            $"--Orleans:SiloPort={FreePort.Next()}",
            $"--Orleans:GatewayPort={FreePort.Next()}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.Web.StartAsync();
        return app;
    }

    [Fact]
    public async Task AFirstStartMakesOwnerOnlyCredentialsAndASecondStartReusesThemAndTheData()
    {
        DevelopmentCredentials first;
        string store;
        string clusterCertificate;
        await using (var app = await StartAsync())
        {
            first = app.Credentials!;
            var credentialsFile = Path.Combine(_data, DevelopmentCredentials.FileName);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credentialsFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_data, DevelopmentMasterKeyFile.FileName)));
            // The cluster's CA and certificate, owner-only like the keys (the Orleans ports take no one without them).
            foreach (var file in new[] { ClusterCertificateFiles.CaFileName, ClusterCertificateFiles.CertificateFileName, ClusterCertificateFiles.KeyFileName })
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(ClusterFolder, file)));
            }

            clusterCertificate = await File.ReadAllTextAsync(Path.Combine(ClusterFolder, ClusterCertificateFiles.CertificateFileName));
            var saved = JsonDocument.Parse(await File.ReadAllTextAsync(credentialsFile)).RootElement;
            Assert.Equal(first.AccountToken, saved.GetProperty("account_token").GetString());

            using var http = new HttpClient { BaseAddress = app.BaseAddress };
            var api = new ApiClient(http);
            var account = new TestAccount(first.AccountId, first.AccountToken, first.AccountToken);
            store = await api.CreateStoreAsync(account, "kept");
            await api.CreateSecretAsync(account, store, "KEPT");
            Assert.Equal(200, (await api.GetAsync("/admin/v1/accounts", first.AdminToken)).Status);
            Assert.Contains("curl", StartupBanner.Describe(app));
            // It serves as the runtime role, which may not change the audit trail; its superuser migrated.
            var served = new NpgsqlConnectionStringBuilder(app.Web.Services.GetRequiredService<NpgsqlDataSource>().ConnectionString);
            Assert.Equal(EmbeddedPostgres.RuntimeRole, served.Username);
            // A development run says so, and starts under the host's development checks (scope validation on build).
            Assert.Equal("Development", app.Web.Environment.EnvironmentName);
            Assert.Contains("(Development)", StartupBanner.Describe(app));
        }

        await using (var again = await StartAsync())
        {
            Assert.Equal(first, again.Credentials);
            Assert.Equal(clusterCertificate, await File.ReadAllTextAsync(Path.Combine(ClusterFolder, ClusterCertificateFiles.CertificateFileName)));
            using var http = new HttpClient { BaseAddress = again.BaseAddress };
            var api = new ApiClient(http);
            var account = new TestAccount(first.AccountId, first.AccountToken, first.AccountToken);
            Assert.Equal(["KEPT"], (await api.GetAsync($"{account.Base}/stores/{store}/secrets", account.ReadToken)).Names());
        }
    }

    [Fact]
    public async Task ARunWhoseDataFolderIsInAFolderOnlyItsOwnerMayEnterStartsServesAndFindsItsDataAgain()
    {
        Directory.CreateDirectory(_private);
        File.SetUnixFileMode(_private, OwnerOnly);
        var data = Path.Combine(_private, ".data");
        DevelopmentCredentials first;
        string store;
        string database;
        await using (var app = await StartAsync(data))
        {
            first = app.Credentials!;
            database = app.Development!.DatabaseFolder;
            var account = new TestAccount(first.AccountId, first.AccountToken, first.AccountToken);
            using var http = new HttpClient { BaseAddress = app.BaseAddress };
            var api = new ApiClient(http);
            store = await api.CreateStoreAsync(account, "private");
            await api.CreateSecretAsync(account, store, "KEPT");
            Assert.Contains($"database:      {database} (PostgreSQL on 127.0.0.1:", StartupBanner.Describe(app));
            if (Environment.IsPrivilegedProcess)
            {
                // Run as root, PostgreSQL runs as postgres, which cannot pass the private folder: its cluster lives
                // where it can, owner-only, linked from the data folder; the keys and credentials stay in the folder.
                Assert.StartsWith("/var/lib/secretsstore/", database);
                Assert.Equal(database, new DirectoryInfo(Path.Combine(data, "postgres")).LinkTarget);
                Assert.Equal(OwnerOnly, File.GetUnixFileMode(database));
                Assert.Equal(data, (await File.ReadAllTextAsync(Path.Combine(database, "data-folder"))).Trim());
                Assert.True(File.Exists(Path.Combine(data, DevelopmentMasterKeyFile.FileName)));
                Assert.True(File.Exists(Path.Combine(data, DevelopmentCredentials.FileName)));
            }
        }

        Assert.False(File.Exists(Path.Combine(database, "pgdata", "postmaster.pid")), "the run stops its PostgreSQL");
        await using (var again = await StartAsync(data))
        {
            Assert.Equal(first, again.Credentials);
            Assert.Equal(database, again.Development!.DatabaseFolder);
            var account = new TestAccount(first.AccountId, first.AccountToken, first.AccountToken);
            using var http = new HttpClient { BaseAddress = again.BaseAddress };
            Assert.Equal(["KEPT"], (await new ApiClient(http).GetAsync($"{account.Base}/stores/{store}/secrets", account.ReadToken)).Names());
        }

        if (Environment.IsPrivilegedProcess)
        {
            // A copy of the data folder would share the cluster, and its start could stop the other's server: refused.
            var copy = Path.Combine(_private, ".copy");
            Directory.CreateDirectory(copy);
            Directory.CreateSymbolicLink(Path.Combine(copy, "postgres"), database);
            var refused = await Assert.ThrowsAsync<StartRefusedException>(() => StartAsync(copy));
            Assert.Contains($"the PostgreSQL of the data folder {data} (is this folder a copy of it?)", refused.Message);
        }
    }

    [Fact]
    public void WithoutAnEmbeddedDatabaseAMissingMasterKeyRefusesToStart()
    {
        var configuration = new ConfigurationBuilder().Build();
        var refusal = Assert.Throws<StartRefusedException>(() => MasterKeySource.Required(SecretsStoreHostOptions.Read(configuration)));
        Assert.Contains("SecretsStore__MasterKey", refusal.Message);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        // A cluster kept outside the data folder goes with it.
        if (new DirectoryInfo(Path.Combine(_private, ".data", "postgres")).LinkTarget is { } outside && Directory.Exists(outside))
        {
            Directory.Delete(outside, recursive: true);
        }

        foreach (var folder in new[] { _data, _private }.Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }

        return Task.CompletedTask;
    }
}
