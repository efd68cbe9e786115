using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecretsStore.Silo.Hosting.Transport;

/// <summary>
/// A folder holding a cluster's CA certificate and one certificate (with its key) that every process of the cluster
/// shares, in a Kubernetes TLS Secret's layout: <c>ca.crt</c>, <c>tls.crt</c>, <c>tls.key</c>, each readable by its
/// owner only. Made on first use and reused while the certificate has more than 30 days to run; then made anew. The
/// CA's private key is used once and never written, so nothing can issue another certificate for this cluster.
/// </summary>
public static class ClusterCertificateFiles
{
    /// <summary>The command (<c>SecretsStore.Silo.dll cluster-certificates FOLDER</c>) that makes the files and exits.</summary>
    public const string Command = "cluster-certificates";

    public const string CaFileName = "ca.crt";
    public const string CertificateFileName = "tls.crt";
    public const string KeyFileName = "tls.key";

    /// <summary>How long a made certificate is valid; it is replaced within its last <see cref="RenewBefore"/>.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(365);

    public static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    /// <summary>The settings that point at the folder's three files.</summary>
    public static ClusterTlsOptions In(string folder) => new()
    {
        CaFile = Path.Combine(folder, CaFileName),
        CertificateFile = Path.Combine(folder, CertificateFileName),
        KeyFile = Path.Combine(folder, KeyFileName),
    };

    /// <summary>The folder's files, made (or made anew) when they are missing, unusable or about to expire.</summary>
    /// <param name="folder">Created owner-only when missing.</param>
    /// <param name="clusterName">Written into the certificates' names, to tell clusters apart when reading them.</param>
    public static ClusterTlsOptions Ensure(string folder, string clusterName, Action<string> announce)
    {
        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var files = In(folder);
        if (StillUsable(files))
        {
            return files;
        }

        using var authority = ClusterCertificateAuthority.Create($"SecretsStore cluster CA ({clusterName})", Lifetime + TimeSpan.FromDays(1));
        using var certificate = authority.Issue($"SecretsStore cluster member ({clusterName})", Lifetime);
        authority.WriteFiles(certificate, files.CaFile!, files.CertificateFile!, files.KeyFile!);
        announce($"Generated a cluster CA and certificate under {folder} (valid until {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}; made anew 30 days before).");
        return files;
    }

    private static bool StillUsable(ClusterTlsOptions files)
    {
        if (!File.Exists(files.CaFile) || !File.Exists(files.CertificateFile) || !File.Exists(files.KeyFile))
        {
            return false;
        }

        try
        {
            var credentials = ClusterCredentials.Load(files, serves: true);
            using var certificate = credentials.Certificate;
            return certificate.NotAfter.ToUniversalTime() - DateTime.UtcNow > RenewBefore;
        }
        catch (Exception unusable) when (unusable is InvalidOperationException or CryptographicException)
        {
            return false;
        }
    }
}
