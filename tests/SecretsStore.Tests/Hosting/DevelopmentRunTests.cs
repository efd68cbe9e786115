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
    public void WithoutAnEmbeddedDatabaseAMissingMasterKeyRefusesToStart()
    {
        var configuration = new ConfigurationBuilder().Build();
        var refusal = Assert.Throws<InvalidOperationException>(() => MasterKeySource.Required(SecretsStoreHostOptions.Read(configuration)));
        Assert.Contains("SecretsStore__MasterKey", refusal.Message);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }

        return Task.CompletedTask;
    }
}
