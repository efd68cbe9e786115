using SecretsStore.Silo.Hosting.Transport;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Security;

/// <summary>
/// An attacker who can write the membership table (or guesses a silo's address) starts a silo of their own in the
/// cluster, to be handed grains and their values: without a certificate of the cluster CA the silo port refuses it,
/// so it never joins. Finding 1 of the security review, on the silo↔silo side.
/// </summary>
public sealed class RogueSiloTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("secretsstore-rogue-").FullName;

    [Fact]
    public async Task ASiloWithACertificateOfAnotherCaCannotJoinTheCluster()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("rogue"));
        await using var member = await TestHost.StartAsync(settings);

        using var foreignCa = ClusterCertificateAuthority.Create("Some other CA", TimeSpan.FromDays(30));
        using var foreign = foreignCa.Issue("SecretsStore cluster member (tests)", TimeSpan.FromDays(30));
        var files = ClusterCertificateFiles.In(_folder);
        foreignCa.WriteFiles(foreign, files.CaFile!, files.CertificateFile!, files.KeyFile!);

        // Its own CA would accept itself; the cluster's silos do not. It gives up joining after 15 s, and exits.
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => SiloProcess.StartAsync(settings, "secretsstore",
            $"--{ClusterTlsOptions.CertificateFileKey}={files.CertificateFile}",
            $"--{ClusterTlsOptions.KeyFileKey}={files.KeyFile}",
            $"--{ClusterTlsOptions.CaFileKey}={files.CaFile}",
            "--Orleans:Membership:MaxJoinAttemptTime=00:00:15"));
        Assert.Contains("exited", refused.Message);
        // Orleans' own words for a joining silo that no member would talk to.
        Assert.Contains("Failed to get ping responses from 1 of 1 active silos", refused.Message);

        // The same start with the cluster's certificate joins: what kept the other out was its certificate.
        await using var joined = await SiloProcess.StartAsync(settings, "secretsstore", "--Orleans:Membership:MaxJoinAttemptTime=00:00:15");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
