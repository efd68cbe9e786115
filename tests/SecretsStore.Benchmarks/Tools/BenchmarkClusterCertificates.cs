using SecretsStore.Silo.Hosting.Transport;

namespace SecretsStore.Benchmarks.Tools;

/// <summary>
/// One cluster CA and certificate for the benchmark run, made on first use under a temporary folder: every service a
/// scenario starts runs its Orleans links over mutual TLS, as production does, unless the scenario says otherwise.
/// </summary>
public static class BenchmarkClusterCertificates
{
    private static readonly Lazy<ClusterTlsOptions> Made = new(Make);

    /// <summary>The settings that point a service at the files.</summary>
    public static string[] Args =>
    [
        $"--{ClusterTlsOptions.CertificateFileKey}={Made.Value.CertificateFile}",
        $"--{ClusterTlsOptions.KeyFileKey}={Made.Value.KeyFile}",
        $"--{ClusterTlsOptions.CaFileKey}={Made.Value.CaFile}",
    ];

    /// <summary>Plaintext Orleans links instead (overrides <see cref="Args"/>), for measuring what TLS costs.</summary>
    public static string[] InsecureArgs =>
    [
        $"--{ClusterTlsOptions.CertificateFileKey}=",
        $"--{ClusterTlsOptions.KeyFileKey}=",
        $"--{ClusterTlsOptions.CaFileKey}=",
        $"--{ClusterTlsOptions.AllowInsecureKey}=true",
    ];

    private static ClusterTlsOptions Make()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"secretsstore-bench-ca-{Guid.NewGuid():N}");
        var files = ClusterCertificateFiles.Ensure(folder, "benchmark", _ => { });
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        };
        return files;
    }
}
