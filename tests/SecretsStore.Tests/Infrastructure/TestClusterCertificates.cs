using SecretsStore.Silo.Hosting.Transport;

namespace SecretsStore.Tests.Infrastructure;

/// <summary>
/// One cluster CA and certificate for the whole test run, made on first use under a temporary folder, so that every
/// service the tests start runs its Orleans links over mutual TLS as production does.
/// </summary>
public static class TestClusterCertificates
{
    private static readonly Lazy<ClusterTlsOptions> Made = new(Make);

    /// <summary>The three files: the CA, and one certificate (with its key) that every test process shares.</summary>
    public static ClusterTlsOptions Files => Made.Value;

    /// <summary>The settings that point a service at those files.</summary>
    public static string[] Args =>
    [
        $"--{ClusterTlsOptions.CertificateFileKey}={Files.CertificateFile}",
        $"--{ClusterTlsOptions.KeyFileKey}={Files.KeyFile}",
        $"--{ClusterTlsOptions.CaFileKey}={Files.CaFile}",
    ];

    /// <summary>Overrides <see cref="Args"/> with nothing, for a test about a start without cluster TLS material.</summary>
    public static string[] NoneArgs =>
    [
        $"--{ClusterTlsOptions.CertificateFileKey}=",
        $"--{ClusterTlsOptions.KeyFileKey}=",
        $"--{ClusterTlsOptions.CaFileKey}=",
    ];

    /// <summary>The files as a process of the cluster loads them.</summary>
    public static ClusterCredentials Credentials() => ClusterCredentials.Load(Files, serves: true);

    private static ClusterTlsOptions Make()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"secretsstore-test-ca-{Guid.NewGuid():N}");
        var files = ClusterCertificateFiles.Ensure(folder, "tests", _ => { });
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless; failing the run over it is not.
            }
        };
        return files;
    }
}
