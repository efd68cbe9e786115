using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SecretsStore.Silo.Hosting;
using SecretsStore.Silo.Hosting.Transport;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Security;

/// <summary>
/// A production process never runs its Orleans ports open by accident: without the cluster's certificates it refuses to
/// start, naming the settings, and the explicit way round that says so at every start.
/// </summary>
public sealed class ClusterTlsStartTests
{
    [Fact]
    public async Task AProductionStartWithoutClusterTlsMaterialRefusesToStartNamingTheSettings()
    {
        // Refused before the database is touched: nothing listens on this port.
        var nowhere = $"Host=127.0.0.1;Port={FreePort.Next()};Username=nobody;Database=never";
        var settings = TestHostSettings.For(nowhere, runtimeConnectionString: nowhere);

        var refused = await Assert.ThrowsAsync<StartRefusedException>(() => TestHost.StartAsync(settings, TestClusterCertificates.NoneArgs));

        foreach (var setting in new[] { ClusterTlsOptions.CertificateFileKey, ClusterTlsOptions.KeyFileKey, ClusterTlsOptions.CaFileKey, ClusterTlsOptions.AllowInsecureKey })
        {
            Assert.Contains(setting, refused.Message);
        }
    }

    [Fact]
    public async Task AllowInsecureStartsAndWarnsThatThePortsAreOpen()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("insecure"));
        var logs = new CapturingLoggerProvider();

        await using var app = await TestHost.StartAsync(settings, b => b.Logging.AddProvider(logs),
            [.. TestClusterCertificates.NoneArgs, $"--{ClusterTlsOptions.AllowInsecureKey}=true"]);

        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
        Assert.Contains($"{ClusterTransport.LoggerCategory} [Warning] {ClusterTlsOptions.AllowInsecureKey}=true", logs.Text);
    }

    [Fact]
    public void ACertificateOfAnotherCaIsRefusedAtStartNamingTheSetting()
    {
        var folder = Directory.CreateTempSubdirectory("secretsstore-foreign-").FullName;
        try
        {
            using var foreignCa = ClusterCertificateAuthority.Create("Some other CA", TimeSpan.FromDays(30));
            using var foreign = foreignCa.Issue("stray", TimeSpan.FromDays(30));
            var certificate = Path.Combine(folder, "tls.crt");
            var key = Path.Combine(folder, "tls.key");
            foreignCa.WriteFiles(foreign, Path.Combine(folder, "foreign-ca.crt"), certificate, key);

            var refused = Assert.Throws<StartRefusedException>(() => ClusterCredentials.Load(
                new ClusterTlsOptions { CertificateFile = certificate, KeyFile = key, CaFile = TestClusterCertificates.Files.CaFile }, serves: true));

            Assert.Contains(ClusterTlsOptions.CertificateFileKey, refused.Message);
            Assert.Contains("would be refused by the cluster's other processes", refused.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void ACertificateWithoutItsCaOrKeyIsRefusedNamingWhatIsMissing()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(
            [new(ClusterTlsOptions.CertificateFileKey, TestClusterCertificates.Files.CertificateFile)]).Build();

        var refused = Assert.Throws<OptionsValidationException>(() => SecretsStoreHostOptions.Read(configuration));

        Assert.Contains($"{ClusterTlsOptions.KeyFileKey} and {ClusterTlsOptions.CaFileKey} are not set", refused.Message);
    }

    [Fact]
    public void AMissingFileIsRefusedNamingTheSettingAndThePath()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"nothing-{Guid.NewGuid():N}", "ca.crt");
        var refused = Assert.Throws<StartRefusedException>(() => ClusterCredentials.Load(
            new ClusterTlsOptions { CertificateFile = TestClusterCertificates.Files.CertificateFile, KeyFile = TestClusterCertificates.Files.KeyFile, CaFile = missing }, serves: true));

        Assert.Contains($"{ClusterTlsOptions.CaFileKey} names {missing}", refused.Message);
    }
}
