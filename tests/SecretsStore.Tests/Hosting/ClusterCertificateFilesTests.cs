using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using SecretsStore.Silo.Hosting.Transport;

namespace SecretsStore.Tests.Hosting;

/// <summary>
/// The files a development run and compose's one-shot init make for a cluster: owner-only, kept while they are good,
/// made anew before they expire.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ClusterCertificateFilesTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"secretsstore-cluster-files-{Guid.NewGuid():N}");

    [Fact]
    public async Task TheCommandMakesOwnerOnlyFilesThatLoadAndASecondRunKeepsThem()
    {
        Assert.Equal(0, await RunCommandAsync());
        var first = await File.ReadAllTextAsync(Path.Combine(_folder, ClusterCertificateFiles.CertificateFileName));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_folder));
        foreach (var file in new[] { ClusterCertificateFiles.CaFileName, ClusterCertificateFiles.CertificateFileName, ClusterCertificateFiles.KeyFileName })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_folder, file)));
        }

        // Fit for a silo (both ends of a connection) and accepted by a process of the same files.
        var credentials = ClusterCredentials.Load(ClusterCertificateFiles.In(_folder), serves: true);
        Assert.True(credentials.Accepts(credentials.Certificate));
        Assert.DoesNotContain("PRIVATE KEY", await File.ReadAllTextAsync(Path.Combine(_folder, ClusterCertificateFiles.CaFileName)));

        Assert.Equal(0, await RunCommandAsync());
        Assert.Equal(first, await File.ReadAllTextAsync(Path.Combine(_folder, ClusterCertificateFiles.CertificateFileName)));
    }

    [Fact]
    public void CertificatesAboutToExpireAreMadeAnew()
    {
        using (var ca = ClusterCertificateAuthority.Create("old CA", TimeSpan.FromDays(20)))
        using (var expiring = ca.Issue("old member", TimeSpan.FromDays(10)))
        {
            Directory.CreateDirectory(_folder);
            var files = ClusterCertificateFiles.In(_folder);
            ca.WriteFiles(expiring, files.CaFile!, files.CertificateFile!, files.KeyFile!);
        }

        var made = ClusterCertificateFiles.Ensure(_folder, "tests", _ => { });

        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(made.CertificateFile!));
        Assert.True(certificate.NotAfter.ToUniversalTime() > DateTime.UtcNow + ClusterCertificateFiles.RenewBefore);
        Assert.True(ClusterCredentials.Load(made, serves: true).Accepts(certificate));
    }

    [Fact]
    public void ARenewedCertificateIsShownWithoutARestartAndAnUnusableReplacementIsIgnored()
    {
        using var ca = ClusterCertificateAuthority.Create("renewing CA", TimeSpan.FromDays(60));
        using var first = ca.Issue("member", TimeSpan.FromDays(10));
        Directory.CreateDirectory(_folder);
        var files = ClusterCertificateFiles.In(_folder);
        ca.WriteFiles(first, files.CaFile!, files.CertificateFile!, files.KeyFile!);
        var credentials = ClusterCredentials.Load(files, serves: true, recheck: TimeSpan.Zero);
        Assert.Equal(first.Thumbprint, credentials.Certificate.Thumbprint);

        // What cert-manager does to a mounted Secret when it renews: new files in place of the old ones.
        using var renewed = ca.Issue("member", TimeSpan.FromDays(40));
        ca.WriteFiles(renewed, files.CaFile!, files.CertificateFile!, files.KeyFile!);
        Touch(files, TimeSpan.FromSeconds(1));
        Assert.Equal(renewed.Thumbprint, credentials.Certificate.Thumbprint);

        File.WriteAllText(files.KeyFile!, "half a key");
        Touch(files, TimeSpan.FromSeconds(2));
        Assert.Equal(renewed.Thumbprint, credentials.Certificate.Thumbprint);
    }

    /// <summary>Moves the files' times on, so that a change is seen however coarse the file system's clock.</summary>
    private static void Touch(ClusterTlsOptions files, TimeSpan later)
    {
        foreach (var file in new[] { files.CaFile!, files.CertificateFile!, files.KeyFile! })
        {
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow + later);
        }
    }

    private async Task<int> RunCommandAsync()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SecretsStore.Silo.dll"));
        start.ArgumentList.Add(ClusterCertificateFiles.Command);
        start.ArgumentList.Add(_folder);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, await output + await errors);
        return process.ExitCode;
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
