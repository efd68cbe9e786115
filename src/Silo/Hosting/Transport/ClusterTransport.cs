using System.Security.Authentication;
using Microsoft.Extensions.Logging;
using Orleans.Connections.Security;

namespace SecretsStore.Silo.Hosting.Transport;

/// <summary>
/// How this process's Orleans links are protected: mutual TLS with the cluster's certificates, or, only when
/// <c>SecretsStore:Cluster:AllowInsecure</c> says so, not at all. The silo port, the gateway port and a standalone
/// gateway's connections to the silos all use it, so no process without a certificate of the cluster CA can join the
/// cluster or call a grain.
/// </summary>
public static class ClusterTransport
{
    public const string LoggerCategory = "SecretsStore.ClusterTransport";

    /// <summary>
    /// The credentials to use, or null for plaintext (allowed explicitly). A production start without TLS material
    /// refuses to start, naming the settings; a development run makes its own under its data folder.
    /// </summary>
    /// <param name="developmentFiles">A development run's own files, made on demand; null in production.</param>
    public static ClusterCredentials? Resolve(ClusterTlsOptions cluster, HostRole role, Func<ClusterTlsOptions>? developmentFiles)
    {
        var serves = role != HostRole.Gateway;
        if (cluster.IsConfigured)
        {
            return ClusterCredentials.Load(cluster, serves);
        }

        if (cluster.AllowInsecure)
        {
            return null;
        }

        if (developmentFiles is not null)
        {
            return ClusterCredentials.Load(developmentFiles(), serves);
        }

        throw new StartRefusedException(
            $"Cluster TLS is not configured: set {ClusterTlsOptions.SettingNames} (PEM files: this process's certificate, its key, and the cluster CA), "
            + $"or set {ClusterTlsOptions.AllowInsecureKey}=true to run the Orleans ports without encryption or authentication, for a network nobody else can reach. See docs/configuration.md, \"Cluster TLS\".");
    }

    /// <summary>Said at every start that runs without cluster TLS, so that it is never forgotten.</summary>
    public static void WarnWhenInsecure(ClusterCredentials? credentials, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(LoggerCategory);
        if (credentials is null)
        {
            logger.LogWarning(
                "{Setting}=true: the Orleans silo and gateway ports take unencrypted, unauthenticated connections. Whoever reaches them can read every value and act as any principal.",
                ClusterTlsOptions.AllowInsecureKey);
        }
        else
        {
            // Debug: a start prints only a few lines before its banner.
            logger.LogDebug(
                "Cluster TLS: {Subject}, valid until {NotAfter:yyyy-MM-dd}, accepting peers of {Authorities}.",
                credentials.Certificate.Subject,
                credentials.Certificate.NotAfter.ToUniversalTime(),
                string.Join("; ", credentials.Authorities.Select(ca => ca.Subject)));
        }
    }

    /// <summary>Mutual TLS on the silo port, the gateway port and this silo's own connections to other silos.</summary>
    public static ISiloBuilder UseClusterTls(this ISiloBuilder silo, ClusterCredentials credentials) =>
        silo.UseTls(tls => Configure(tls, credentials));

    /// <summary>Mutual TLS on a client's (a standalone gateway's) connections to the silos' gateway ports.</summary>
    public static IClientBuilder UseClusterTls(this IClientBuilder client, ClusterCredentials credentials) =>
        client.UseTls(tls => Configure(tls, credentials));

    private static void Configure(TlsOptions tls, ClusterCredentials credentials)
    {
        // The certificate at start, which Orleans checks as it builds the pipeline; each new connection then asks for
        // the current one, so a renewed certificate is used without a restart.
        tls.LocalCertificate = credentials.Certificate;
        tls.LocalServerCertificateSelector = (_, _) => credentials.Certificate;
        tls.LocalClientCertificateSelector = (_, _, _, _, _) => credentials.Certificate;
        // Both ends show a certificate, and both ends check the other's against the cluster CA alone.
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        // The platform's verdict (system roots, host names) is set aside: peers are addressed by IP and known by CA.
        tls.RemoteCertificateValidation = (certificate, _, _) => credentials.Accepts(certificate);
        tls.SslProtocols = SslProtocols.Tls13;
    }
}
