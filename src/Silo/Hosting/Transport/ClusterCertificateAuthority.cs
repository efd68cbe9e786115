using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecretsStore.Silo.Hosting.Transport;

/// <summary>
/// A small certificate authority for a cluster that has none of its own: a development run, the compose file's
/// one-shot init, and the tests. ECDSA P-256 throughout. Production clusters would rather use their own (cert-manager's
/// CA Issuer, see deploy/README.md); nothing here runs unless asked.
/// </summary>
public sealed class ClusterCertificateAuthority : IDisposable
{
    private ClusterCertificateAuthority(X509Certificate2 certificate) => Certificate = certificate;

    /// <summary>The CA's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>A new self-signed CA that may sign end-entity certificates only (path length 0).</summary>
    public static ClusterCertificateAuthority Create(string name, TimeSpan lifetime)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={name}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = DateTimeOffset.UtcNow;
        return new ClusterCertificateAuthority(request.CreateSelfSigned(now.AddMinutes(-5), now + lifetime));
    }

    /// <summary>
    /// A certificate for a process of the cluster, fit for both ends of a TLS connection (a silo connects and is
    /// connected to). Names are optional: cluster peers are recognised by the CA alone; HTTPS and PostgreSQL, whose
    /// clients check the host name, need them.
    /// </summary>
    public X509Certificate2 Issue(string name, TimeSpan lifetime, IEnumerable<string>? dnsNames = null, IEnumerable<IPAddress>? addresses = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={name}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication"), new Oid("1.3.6.1.5.5.7.3.2", "Client Authentication")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var names = new SubjectAlternativeNameBuilder();
        var named = false;
        foreach (var dns in dnsNames ?? [])
        {
            names.AddDnsName(dns);
            named = true;
        }

        foreach (var address in addresses ?? [])
        {
            names.AddIpAddress(address);
            named = true;
        }

        if (named)
        {
            request.CertificateExtensions.Add(names.Build());
        }

        var now = DateTimeOffset.UtcNow;
        var notAfter = now + lifetime < Certificate.NotAfter ? now + lifetime : new DateTimeOffset(Certificate.NotAfter.ToUniversalTime());
        using var issued = request.Create(Certificate, now.AddMinutes(-5), notAfter, RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Writes the CA's certificate and a certificate it issued, with its key, as PEM files readable by their owner only.</summary>
    public void WriteFiles(X509Certificate2 issued, string caFile, string certificateFile, string keyFile)
    {
        WriteOwnerOnly(caFile, Certificate.ExportCertificatePem() + "\n");
        WriteOwnerOnly(certificateFile, issued.ExportCertificatePem() + "\n");
        using var key = issued.GetECDsaPrivateKey() ?? throw new InvalidOperationException("The issued certificate has no ECDSA key.");
        WriteOwnerOnly(keyFile, key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    private static void WriteOwnerOnly(string path, string contents)
    {
        // Written whole to a new file, then moved over the old one: a crash leaves either file, never half of one.
        var next = path + ".new";
        Development.OwnerOnlyFile.Write(next, contents);
        File.Move(next, path, overwrite: true);
    }

    public void Dispose() => Certificate.Dispose();
}
