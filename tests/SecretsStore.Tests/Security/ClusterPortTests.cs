using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Connections.Security;
using SecretsStore.Silo.Hosting.Transport;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Security;

/// <summary>
/// An attacker who reaches a running silo's gateway port (30000 in production) with an Orleans client of their own,
/// the grain interfaces of this repository and the cluster's id: the port takes only a client holding a certificate of
/// the cluster CA. Finding 1 of the security review.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class ClusterPortTests(AppFixture app)
{
    [Fact]
    public async Task APlainOrleansClientCannotCallAGrain()
    {
        var refused = await CallAGrainAsync(tls: null);

        Assert.NotNull(refused);
    }

    [Fact]
    public async Task AClientWithACertificateOfAnotherCaCannotCallAGrain()
    {
        using var foreignCa = ClusterCertificateAuthority.Create("Some other CA", TimeSpan.FromDays(30));
        using var foreign = foreignCa.Issue("SecretsStore cluster member (tests)", TimeSpan.FromDays(30));

        // The same client with the cluster's own certificate gets in: what keeps this one out is its certificate.
        Assert.Null(await CallAGrainAsync(AttackerTls(TestClusterCertificates.Credentials().Certificate)));
        Assert.NotNull(await CallAGrainAsync(AttackerTls(foreign)));
    }

    [Fact]
    public async Task ASelfSignedCopyOfTheClusterCertificatesNamesCannotCallAGrain()
    {
        // The subject of the real certificate and the name of the real CA, but not signed by the CA's key.
        var real = TestClusterCertificates.Credentials();
        using var impostorCa = ClusterCertificateAuthority.Create(real.Authorities[0].GetNameInfo(X509NameType.SimpleName, forIssuer: false), TimeSpan.FromDays(30));
        using var impostor = impostorCa.Issue(real.Certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false), TimeSpan.FromDays(30));
        Assert.Equal(real.Certificate.Subject, impostor.Subject);
        Assert.Equal(real.Certificate.Issuer, impostor.Issuer);

        Assert.Null(await CallAGrainAsync(AttackerTls(real.Certificate)));
        Assert.NotNull(await CallAGrainAsync(AttackerTls(impostor)));
    }

    [Fact]
    public async Task AClientWithTheClustersCertificateCallsAGrain()
    {
        var refused = await CallAGrainAsync(client => client.UseClusterTls(TestClusterCertificates.Credentials()));

        Assert.Null(refused);
    }

    /// <summary>An attacker's TLS: shows the given certificate and trusts whatever the silo shows.</summary>
    private static Action<IClientBuilder> AttackerTls(X509Certificate2 certificate) => client => client.UseTls(certificate, tls =>
    {
        tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.AllowAnyRemoteCertificate();
    });

    /// <summary>Connects an Orleans client to the app's gateway port and calls a grain; answers why that failed, or null.</summary>
    private async Task<Exception?> CallAGrainAsync(Action<IClientBuilder>? tls)
    {
        var endpoints = app.App.Web.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        var cluster = app.App.Web.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;
        Assert.True(endpoints.GatewayPort > 0, "the app under test has no gateway port to attack");

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, endpoints.GatewayPort));
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            client.Services.AddSingleton<IClientConnectionRetryFilter, GiveUp>();
            tls?.Invoke(client);
        });
        using var host = builder.Build();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await host.StartAsync(timeout.Token);
            var hosts = await host.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            Assert.NotEmpty(hosts);
            await host.StopAsync();
            return null;
        }
        catch (Exception refused) when (refused is not Xunit.Sdk.XunitException)
        {
            return refused;
        }
    }

    /// <summary>One attempt: a refused client must fail, not wait for a silo that will never take it.</summary>
    private sealed class GiveUp : IClientConnectionRetryFilter
    {
        public Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken) => Task.FromResult(false);
    }
}
