using System.ComponentModel.DataAnnotations;

namespace SecretsStore.Silo.Hosting.Transport;

/// <summary>
/// <c>SecretsStore:Cluster</c>: the certificate this process shows the other processes of its cluster, and the CA that
/// issued every one of them. Silo↔silo and gateway↔silo connections then take only a peer whose certificate chains to
/// that CA. All three files are PEM, in the layout of a Kubernetes TLS Secret that cert-manager writes
/// (<c>tls.crt</c>, <c>tls.key</c>, <c>ca.crt</c>).
/// </summary>
public sealed class ClusterTlsOptions : IValidatableObject
{
    public const string Section = "SecretsStore:Cluster";
    public const string CertificateFileKey = Section + ":CertificateFile";
    public const string KeyFileKey = Section + ":KeyFile";
    public const string CaFileKey = Section + ":CaFile";
    public const string AllowInsecureKey = Section + ":AllowInsecure";

    /// <summary>This process's certificate (PEM), issued by the cluster CA; intermediates may follow it in the file.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>Its private key (PEM: PKCS#8, PKCS#1 RSA or SEC1 EC).</summary>
    public string? KeyFile { get; set; }

    /// <summary>The cluster CA's certificate (PEM; several for a CA rollover): the only roots a peer may chain to.</summary>
    public string? CaFile { get; set; }

    /// <summary>Run the Orleans links in plaintext without authentication. Logged as a warning at every start.</summary>
    public bool AllowInsecure { get; set; }

    /// <summary>Whether any of the three files is named (all three must then be).</summary>
    public bool IsConfigured => !string.IsNullOrEmpty(CertificateFile) || !string.IsNullOrEmpty(KeyFile) || !string.IsNullOrEmpty(CaFile);

    /// <summary>The three settings, as a refusal names them.</summary>
    public static string SettingNames => $"{CertificateFileKey}, {KeyFileKey} and {CaFileKey}";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IsConfigured)
        {
            yield break;
        }

        var missing = new[] { (CertificateFileKey, CertificateFile), (KeyFileKey, KeyFile), (CaFileKey, CaFile) }
            .Where(setting => string.IsNullOrEmpty(setting.Item2))
            .Select(setting => setting.Item1)
            .ToList();
        if (missing.Count > 0)
        {
            yield return new ValidationResult(
                $"Cluster TLS needs all of {SettingNames}; {string.Join(" and ", missing)} {(missing.Count == 1 ? "is" : "are")} not set.",
                [nameof(CertificateFile), nameof(KeyFile), nameof(CaFile)]);
        }
    }
}
