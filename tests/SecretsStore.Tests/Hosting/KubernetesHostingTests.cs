using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting.Kubernetes;
using SecretsStore.Silo.Hosting;

namespace SecretsStore.Tests.Hosting;

/// <summary>
/// Orleans' Kubernetes hosting is used only when <c>Orleans:Kubernetes:Enabled</c> says so. The silos are built, never
/// started, so nothing here needs PostgreSQL or a Kubernetes API server.
/// </summary>
public sealed class KubernetesHostingTests
{
    private const string ConnectionString = "Host=127.0.0.1;Port=1;Database=unused;Username=unused";

    private static IHost Build(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => silo.ConfigureSecretsStoreSilo(SecretsStoreHostOptions.Read(configuration), configuration, ConnectionString));
        return builder.Build();
    }

    [Fact]
    public void WithoutTheSettingTheSiloIsConfiguredAsBefore()
    {
        using var host = Build();
        var endpoints = host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        Assert.Equal(IPAddress.Loopback, endpoints.AdvertisedIPAddress);
        Assert.Equal(11111, endpoints.SiloPort);
        Assert.Empty(host.Services.GetServices<IConfigureOptions<KubernetesHostingOptions>>());
    }

    [Fact]
    public void TheSettingAdvertisesThisHostsAddressAndListensOnEveryAddress()
    {
        using var host = Build(("Orleans:Kubernetes:Enabled", "true"), ("Orleans:SiloPort", "11112"), (HostRoles.Key, "silo"));
        var endpoints = host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        // Orleans picks this host's address (in a pod, the pod's); which one depends on the machine.
        Assert.NotNull(endpoints.AdvertisedIPAddress);
        Assert.Equal(new IPEndPoint(IPAddress.Any, 11112), endpoints.SiloListeningEndpoint);
        Assert.Equal(new IPEndPoint(IPAddress.Any, 30000), endpoints.GatewayListeningEndpoint);
        Assert.NotEmpty(host.Services.GetServices<IConfigureOptions<KubernetesHostingOptions>>());
    }

    [Theory]
    [InlineData("false", "false")]
    [InlineData("false", "true")]
    [InlineData("true", "false")]
    public void ACombinedProcessOpensNoGatewayPortUnlessOneIsSet(string kubernetes, string anyAddress)
    {
        // Its API calls the grains in-process; a gateway port would only be one more way in.
        using var combined = Build(("Orleans:Kubernetes:Enabled", kubernetes), ("Orleans:ListenOnAnyHostAddress", anyAddress));
        var endpoints = combined.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        Assert.Equal(0, endpoints.GatewayPort);
        Assert.Null(endpoints.GatewayListeningEndpoint);

        using var withGateway = Build(("Orleans:Kubernetes:Enabled", kubernetes), ("Orleans:ListenOnAnyHostAddress", anyAddress), ("Orleans:GatewayPort", "30005"));
        Assert.Equal(30005, withGateway.Services.GetRequiredService<IOptions<EndpointOptions>>().Value.GatewayPort);
    }

    [Fact]
    public void AnExplicitAdvertisedAddressWins()
    {
        using var host = Build(("Orleans:Kubernetes:Enabled", "true"), ("Orleans:AdvertisedIP", "10.9.9.9"));
        var endpoints = host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        // The Deployment sets Orleans__AdvertisedIP to the pod's IP (status.podIP), so nothing is left to guessing.
        Assert.Equal(IPAddress.Parse("10.9.9.9"), endpoints.AdvertisedIPAddress);
        Assert.Equal(new IPEndPoint(IPAddress.Any, 11111), endpoints.SiloListeningEndpoint);
    }
}
