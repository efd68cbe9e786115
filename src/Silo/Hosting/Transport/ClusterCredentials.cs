using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecretsStore.Silo.Hosting.Transport;

/// <summary>
/// This process's cluster certificate and the cluster CA, loaded and checked at start. A peer is accepted only when its
/// certificate chains to that CA: the system's trusted roots play no part, so a certificate from any public or
/// corporate CA is refused like a self-signed one. Identity is membership: whoever holds a certificate of this CA is a
/// process of the cluster, which is why the CA must issue for this cluster and nothing else.
/// </summary>
/// <remarks>
/// The files are read again when they change (looked at no more than every <see cref="DefaultRecheck"/>), so a
/// certificate that cert-manager renews in its mounted Secret is shown on the next connection, without a restart. A
/// change that does not load (a file half-replaced, a certificate the CA did not issue) keeps the last good one.
/// </remarks>
public sealed class ClusterCredentials
{
    public static readonly TimeSpan DefaultRecheck = TimeSpan.FromSeconds(30);

    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    private readonly ClusterTlsOptions _files;
    private readonly bool _serves;
    private readonly long _recheckMilliseconds;
    private readonly Lock _reloading = new();
    private volatile Material _current;
    private long _nextCheck;

    private ClusterCredentials(ClusterTlsOptions files, bool serves, TimeSpan recheck, Material current)
    {
        _files = files;
        _serves = serves;
        _recheckMilliseconds = (long)recheck.TotalMilliseconds;
        _current = current;
        _nextCheck = Environment.TickCount64 + _recheckMilliseconds;
    }

    /// <summary>What this process shows its peers (with its private key): the files' latest good content.</summary>
    public X509Certificate2 Certificate => Current.Certificate;

    /// <summary>The roots a peer's certificate must chain to.</summary>
    public IReadOnlyList<X509Certificate2> Authorities => [.. Current.Authorities];

    private sealed record Material(X509Certificate2 Certificate, X509Certificate2Collection Authorities, DateTime[] Written);

    private Material Current
    {
        get
        {
            if (Environment.TickCount64 >= Interlocked.Read(ref _nextCheck))
            {
                Reload();
            }

            return _current;
        }
    }

    /// <summary>
    /// Loads the three files and refuses, naming the setting, anything that would only fail later: a missing file, a key
    /// that is not the certificate's, a CA file without a CA, or a certificate that this cluster's own peers would refuse.
    /// </summary>
    /// <param name="serves">A silo, which accepts connections and so needs a certificate fit for server authentication too.</param>
    /// <param name="recheck">How often to look whether the files changed; <see cref="DefaultRecheck"/> when null.</param>
    public static ClusterCredentials Load(ClusterTlsOptions options, bool serves, TimeSpan? recheck = null)
    {
        var files = new ClusterTlsOptions { CertificateFile = options.CertificateFile, KeyFile = options.KeyFile, CaFile = options.CaFile };
        return new ClusterCredentials(files, serves, recheck ?? DefaultRecheck, Read(files, serves));
    }

    private static Material Read(ClusterTlsOptions options, bool serves)
    {
        var certificateFile = Existing(options.CertificateFile, ClusterTlsOptions.CertificateFileKey);
        var keyFile = Existing(options.KeyFile, ClusterTlsOptions.KeyFileKey);
        var caFile = Existing(options.CaFile, ClusterTlsOptions.CaFileKey);
        // Before reading: a file replaced while it is read is read again at the next look.
        var written = LastWritten(options);

        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        }
        catch (CryptographicException invalid)
        {
            throw new StartRefusedException(
                $"{ClusterTlsOptions.CertificateFileKey} ({certificateFile}) and {ClusterTlsOptions.KeyFileKey} ({keyFile}) must hold a PEM certificate and its own private key: {invalid.Message}",
                invalid);
        }

        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(caFile);
        }
        catch (CryptographicException invalid)
        {
            throw new StartRefusedException($"{ClusterTlsOptions.CaFileKey} ({caFile}) is not a PEM certificate file: {invalid.Message}", invalid);
        }

        if (authorities.Count == 0 || authorities.Any(ca => ca.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true }))
        {
            throw new StartRefusedException($"{ClusterTlsOptions.CaFileKey} ({caFile}) must hold the cluster's CA certificate(s), and only CA certificates.");
        }

        if (ChainProblem(certificate, authorities) is { } problem)
        {
            throw new StartRefusedException(
                $"{ClusterTlsOptions.CertificateFileKey} ({certificateFile}) would be refused by the cluster's other processes: {problem} It must be issued by the CA in {ClusterTlsOptions.CaFileKey} ({caFile}) and be valid now.");
        }

        RefuseWrongUsage(certificate, certificateFile, serves);
        return new Material(certificate, authorities, written);
    }

    /// <summary>The remote-certificate check of every cluster connection, in both directions.</summary>
    public bool Accepts(X509Certificate2 remote) => ChainProblem(remote, Current.Authorities) is null;

    /// <summary>Reads the files again if any of them was written since they were last read; keeps the last good ones otherwise.</summary>
    private void Reload()
    {
        lock (_reloading)
        {
            if (Environment.TickCount64 < Interlocked.Read(ref _nextCheck))
            {
                return;
            }

            Interlocked.Exchange(ref _nextCheck, Environment.TickCount64 + _recheckMilliseconds);
            try
            {
                if (!LastWritten(_files).SequenceEqual(_current.Written))
                {
                    // The old certificate is left to the collector: connections made with it may still hold it.
                    _current = Read(_files, _serves);
                }
            }
            catch (Exception unusable) when (unusable is InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                // Mid-replacement, or replaced by something unusable: the last good material stays, and the next look
                // tries again.
            }
        }
    }

    private static DateTime[] LastWritten(ClusterTlsOptions files) =>
        [File.GetLastWriteTimeUtc(files.CertificateFile!), File.GetLastWriteTimeUtc(files.KeyFile!), File.GetLastWriteTimeUtc(files.CaFile!)];

    /// <summary>Null when the certificate chains to one of the cluster's CAs and is valid now; else why not.</summary>
    private static string? ChainProblem(X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        // A private CA publishes no revocation lists; its certificates are short-lived and renewed instead.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        try
        {
            if (chain.Build(certificate))
            {
                return null;
            }

            return string.Join(" ", chain.ChainStatus.Select(status => status.StatusInformation.Trim()).Distinct()) is { Length: > 0 } reasons
                ? reasons
                : "its chain does not end at the cluster CA.";
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                element.Certificate.Dispose();
            }
        }
    }

    /// <summary>Orleans refuses a certificate whose extended key usage leaves out its role; say so at start, by setting.</summary>
    private static void RefuseWrongUsage(X509Certificate2 certificate, string file, bool serves)
    {
        if (certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault() is not { } usage)
        {
            return;
        }

        var usages = usage.EnhancedKeyUsages.Cast<Oid>().Select(oid => oid.Value).ToHashSet();
        var needed = serves ? new[] { ClientAuthentication, ServerAuthentication } : [ClientAuthentication];
        if (!needed.All(usages.Contains))
        {
            throw new StartRefusedException(
                $"{ClusterTlsOptions.CertificateFileKey} ({file}) must allow {(serves ? "both client and server authentication (a silo connects and is connected to)" : "client authentication")}.");
        }
    }

    private static string Existing(string? path, string key)
    {
        if (string.IsNullOrEmpty(path))
        {
            throw new StartRefusedException($"{key} is not set; cluster TLS needs all of {ClusterTlsOptions.SettingNames}.");
        }

        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new StartRefusedException($"{key} names {full}, which does not exist or cannot be seen by this process.");
        }

        return full;
    }
}
