using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using SecretsStore.Grains;
using SecretsStore.Persistence;
using SecretsStore.Silo.Hosting.Transport;

namespace SecretsStore.Silo.Hosting;

/// <summary>The silo: ADO.NET clustering and grain storage on PostgreSQL, grain state in Orleans' binary format.</summary>
public static class OrleansSetup
{
    public const string Invariant = "Npgsql";

    /// <param name="configuration">For what is bound straight onto Orleans' own options (<c>Orleans:Membership</c>).</param>
    /// <param name="tls">The cluster's certificates (mutual TLS on every Orleans link); null runs them in plaintext.</param>
    public static ISiloBuilder ConfigureSecretsStoreSilo(
        this ISiloBuilder silo, SecretsStoreHostOptions options, IConfiguration configuration, string connectionString, ClusterCredentials? tls = null)
    {
        var orleans = options.Orleans;
        silo.Configure<ClusterOptions>(o => IdentifyCluster(o, orleans));
        var siloPort = orleans.SiloPortInForce;
        var gatewayPort = orleans.GatewayPortFor(options.ReadRole());
        var kubernetes = orleans.Kubernetes.Enabled;
        if (kubernetes && string.IsNullOrEmpty(orleans.AdvertisedIP))
        {
            // Left unset, the advertised address is this host's (in a pod, the pod's: Orleans picks it before the
            // Kubernetes hosting looks), and the hosting makes the silo listen on every address.
            silo.Configure<EndpointOptions>(o =>
            {
                o.SiloPort = siloPort;
                o.GatewayPort = gatewayPort;
            });
        }
        else
        {
            var advertised = IPAddress.Parse(orleans.AdvertisedIP is { Length: > 0 } address ? address : "127.0.0.1");
            var anyAddress = orleans.ListenOnAnyHostAddress;
            silo.Configure<EndpointOptions>(o =>
            {
                o.AdvertisedIPAddress = advertised;
                o.SiloPort = siloPort;
                o.GatewayPort = gatewayPort;
                if (anyAddress)
                {
                    o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, siloPort);
                    // Orleans' ConfigureEndpoints would set Any:0 here, a listener on a random port, for "no gateway".
                    if (gatewayPort > 0)
                    {
                        o.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Any, gatewayPort);
                    }
                }
            });
        }

        if (tls is not null)
        {
            silo.UseClusterTls(tls);
        }

        silo.Configure<ClusterMembershipOptions>(o =>
        {
            // A dead silo is declared dead after three missed probes of two seconds each (Orleans' defaults take
            // about 25 s), so its grains answer again from the other silos within ten seconds.
            o.ProbeTimeout = TimeSpan.FromSeconds(2);
            o.NumMissedProbesLimit = 3;
            configuration.GetSection($"{OrleansHostOptions.Section}:Membership").Bind(o);
        });
        silo.AddSecretsStoreClustering(connectionString);
        if (kubernetes)
        {
            // Names the silo after its pod and declares a silo dead as soon as its pod is deleted, rather than after
            // missed probes. Membership itself stays in PostgreSQL. Needs the RBAC in deploy/kubernetes.
            silo.UseKubernetesHosting();
        }

        silo.AddSecretsStoreGrainStorage(connectionString);
        silo.AddSecretsStoreActivityPropagation(options);
        return silo;
    }

    /// <summary>
    /// A standalone gateway: an Orleans client of the silos of the same cluster, found through the membership table.
    /// It asks the table for live silos every <c>Orleans:GatewayListRefreshPeriod</c>, so one that was added or
    /// restarted takes requests within that time; Orleans' default of a minute would leave a restarted silo idle.
    /// </summary>
    public static IClientBuilder ConfigureSecretsStoreClient(
        this IClientBuilder client, SecretsStoreHostOptions options, string connectionString, ClusterCredentials? tls = null)
    {
        var orleans = options.Orleans;
        if (tls is not null)
        {
            client.UseClusterTls(tls);
        }

        client.Configure<ClusterOptions>(o => IdentifyCluster(o, orleans));
        client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = orleans.GatewayListRefreshPeriod);
        client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = orleans.GatewayResponseTimeout);
        client.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = DatabaseConnections.ForOrleans(connectionString, DatabaseConnections.OrleansClusteringPoolSize);
        });
        client.Services.AddSingleton<IClientConnectionRetryFilter, ConnectUntilStopped>();
        if (Telemetry.TracingEnabled(options))
        {
            client.AddActivityPropagation();
        }

        return client;
    }

    private static void IdentifyCluster(ClusterOptions options, OrleansHostOptions orleans)
    {
        options.ClusterId = orleans.ClusterId;
        options.ServiceId = orleans.ServiceId;
    }

    /// <summary>Membership in PostgreSQL's table, through our queries, on its own bounded pool; the test silos use it too.</summary>
    public static ISiloBuilder AddSecretsStoreClustering(this ISiloBuilder silo, string connectionString) =>
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = DatabaseConnections.ForOrleans(connectionString, DatabaseConnections.OrleansClusteringPoolSize);
        });

    /// <summary>
    /// Orleans grain storage (the account grain's small state), for every host including the test clusters, which
    /// bring their own membership. Stores and secrets live in tables of their own (see docs/storage.md).
    /// </summary>
    /// <param name="name">The provider's name; tests add providers of their own beside the service's.</param>
    /// <param name="configure">A last change to the provider's options (tests delete rows on clear).</param>
    public static ISiloBuilder AddSecretsStoreGrainStorage(
        this ISiloBuilder silo, string connectionString, string name = StorageNames.Provider, Action<AdoNetGrainStorageOptions>? configure = null) =>
        // The binary serializer follows [GenerateSerializer]/[Id]/[Alias], so renaming a class never breaks a stored row.
        silo.AddAdoNetGrainStorage(name, options => options.Configure<Serializer>((o, serializer) =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = DatabaseConnections.ForOrleans(connectionString, DatabaseConnections.OrleansStoragePoolSize);
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
            configure?.Invoke(o);
        }));
}
