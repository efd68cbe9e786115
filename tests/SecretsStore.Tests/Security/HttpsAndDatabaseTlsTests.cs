using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Npgsql;
using SecretsStore.Persistence;
using SecretsStore.Silo.Hosting.Development;
using SecretsStore.Silo.Hosting.Transport;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Security;

/// <summary>
/// The two hops outside the cluster, as docs/configuration.md describes them: the API over HTTPS with Kestrel's
/// certificate settings, and PostgreSQL with <c>SSL Mode=VerifyFull</c> against a root of the operator's choosing.
/// Finding 6 of the security review.
/// </summary>
public sealed class HttpsAndDatabaseTlsTests(HttpsAndDatabaseTlsTests.TlsPostgres postgres) : IClassFixture<HttpsAndDatabaseTlsTests.TlsPostgres>
{
    [Fact]
    public async Task TheApiServesHttpsWithKestrelsCertificateSettings()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("https"));
        await using var app = await TestHost.StartAsync(settings,
            "--urls=https://127.0.0.1:0",
            $"--Kestrel:Certificates:Default:Path={postgres.ServerCertificateFile}",
            $"--Kestrel:Certificates:Default:KeyPath={postgres.ServerKeyFile}");
        Assert.Equal("https", app.BaseAddress.Scheme);

        using var trusting = new HttpClient(TrustingOnly(postgres.Ca)) { BaseAddress = app.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await trusting.GetAsync("/readyz")).StatusCode);
        var accounts = await new ApiClient(trusting).GetAsync("/admin/v1/accounts", settings.AdminToken);
        Assert.Equal(200, accounts.Status);

        // A client that trusts only the system's roots refuses the certificate: this is TLS, from the test CA.
        using var system = new HttpClient { BaseAddress = app.BaseAddress };
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => system.GetAsync("/readyz"));
        Assert.IsType<AuthenticationException>(refused.InnerException);
    }

    [Fact]
    public async Task TheServiceStartsOnAPostgresItVerifiesFully()
    {
        // This server has no runtime role: the service serves and migrates as one role here; the TLS is what is tested.
        var database = postgres.ConnectionString($"verified_{Guid.NewGuid():N}", postgres.CaFile);
        var settings = TestHostSettings.For(database, runtimeConnectionString: database);
        await using var app = await TestHost.StartAsync(settings);
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);

        // Every connection it made is encrypted: the server says so for each of them.
        await using var check = new NpgsqlConnection(postgres.ConnectionString("postgres", postgres.CaFile));
        await check.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FILTER (WHERE NOT s.ssl), count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.datname = @db", check);
        command.Parameters.AddWithValue("db", new NpgsqlConnectionStringBuilder(settings.ConnectionString).Database!);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(0L, reader.GetInt64(0));
        Assert.True(reader.GetInt64(1) > 0, "the service holds no connection to its database");
    }

    [Fact]
    public async Task WithAnotherRootTheServiceRefusesToStart()
    {
        var database = postgres.ConnectionString($"refused_{Guid.NewGuid():N}", TestClusterCertificates.Files.CaFile!);
        var settings = TestHostSettings.For(database, runtimeConnectionString: database);

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => TestHost.StartAsync(settings));

        Assert.Contains(Causes(refused), e => e is AuthenticationException);
    }

    private static IEnumerable<Exception> Causes(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    /// <summary>A client that accepts a server certificate only when it chains to <paramref name="ca"/>.</summary>
    private static HttpClientHandler TrustingOnly(X509Certificate2 ca) => new()
    {
        ServerCertificateCustomValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(certificate);
        },
    };

    /// <summary>
    /// A PostgreSQL of its own with <c>ssl=on</c> and a server certificate for 127.0.0.1 from a CA of its own; the same
    /// certificate serves the HTTPS test.
    /// </summary>
    public sealed class TlsPostgres : IAsyncLifetime
    {
        private readonly string _root = Path.Combine(Path.GetTempPath(), $"secretsstore-tlspg-{Guid.NewGuid():N}");
        private ClusterCertificateAuthority? _authority;
        private EmbeddedPostgres? _server;

        public X509Certificate2 Ca => _authority!.Certificate;

        public string CaFile => Path.Combine(_root, "tls", "ca.crt");

        public string ServerCertificateFile => Path.Combine(_root, "tls", "server.crt");

        public string ServerKeyFile => Path.Combine(_root, "tls", "server.key");

        public string ConnectionString(string database, string rootCertificate) => new NpgsqlConnectionStringBuilder(_server!.ConnectionStringFor(database))
        {
            SslMode = SslMode.VerifyFull,
            RootCertificate = rootCertificate,
        }.ConnectionString;

        public async Task InitializeAsync()
        {
            _server = await EmbeddedPostgres.StartAsync(Path.Combine(_root, "postgres"));
            _authority = ClusterCertificateAuthority.Create("SecretsStore test database CA", TimeSpan.FromDays(2));
            using var certificate = _authority.Issue("127.0.0.1", TimeSpan.FromDays(1), ["localhost"], [IPAddress.Loopback]);
            Directory.CreateDirectory(Path.Combine(_root, "tls"));
            _authority.WriteFiles(certificate, CaFile, ServerCertificateFile, ServerKeyFile);
            // PostgreSQL reads its key as the server's own user, and only from a file no one else may read.
            if (Environment.IsPrivilegedProcess)
            {
                using var chown = System.Diagnostics.Process.Start("chown", ["-R", "postgres:postgres", Path.Combine(_root, "tls")]);
                await chown.WaitForExitAsync();
                Assert.Equal(0, chown.ExitCode);
            }

            await using (var admin = new NpgsqlConnection(_server.ConnectionStringFor("postgres")))
            {
                await admin.OpenAsync();
                foreach (var setting in new[] { $"ssl_cert_file = '{ServerCertificateFile}'", $"ssl_key_file = '{ServerKeyFile}'", "ssl = on" })
                {
                    await using var alter = new NpgsqlCommand($"ALTER SYSTEM SET {setting}", admin);
                    await alter.ExecuteNonQueryAsync();
                }

                await using var reload = new NpgsqlCommand("SELECT pg_reload_conf()", admin);
                await reload.ExecuteNonQueryAsync();
            }

            await WaitForTlsAsync();
        }

        /// <summary>The reload is asynchronous: wait until a verified connection succeeds, for as long as a slow machine needs.</summary>
        private async Task WaitForTlsAsync()
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (true)
            {
                try
                {
                    await using var connection = new NpgsqlConnection(ConnectionString("postgres", CaFile) + ";Pooling=false");
                    await connection.OpenAsync(deadline.Token);
                    return;
                }
                catch (NpgsqlException) when (!deadline.IsCancellationRequested)
                {
                    await Task.Delay(100, deadline.Token);
                }
            }
        }

        public async Task DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }

            _authority?.Dispose();
            Directory.Delete(_root, recursive: true);
        }
    }
}
