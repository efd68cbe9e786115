using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using SecretsStore.Grains;
using SecretsStore.Grains.Persistence;

namespace SecretsStore.Silo.Hosting;

/// <summary>The silo: ADO.NET clustering and grain storage on PostgreSQL, grain state in Orleans' binary format.</summary>
public static class OrleansSetup
{
    public const string Invariant = "Npgsql";

    /// <summary>Under <c>Orleans</c>: run with Orleans' Kubernetes hosting (off unless set, so other runs are unchanged).</summary>
    public const string KubernetesEnabledKey = "Kubernetes:Enabled";

    /// <summary>Under <c>Orleans</c>: how often a gateway re-reads the live silos from the membership table.</summary>
    public const string GatewayListRefreshPeriodKey = "GatewayListRefreshPeriod";

    public static readonly TimeSpan DefaultGatewayListRefreshPeriod = TimeSpan.FromSeconds(2);

    /// <summary>Under <c>Orleans</c>: how long a gateway waits for a grain call's answer before answering 503.</summary>
    public const string GatewayResponseTimeoutKey = "GatewayResponseTimeout";

    /// <summary>
    /// An Orleans client, unlike a silo, never fails the calls it has pending on a silo that died: they wait for the
    /// response timeout (30 s by default). Well above the slowest grain call (a whole-state write of a 100k store is
    /// about 2 s), and short enough that a request caught by a kill -9 gets its 503 well within the failover goal of
    /// 10 s. Orleans checks for expired calls about once a second: with 8 s here, the last one came 9.3 s after a kill.
    /// </summary>
    public static readonly TimeSpan DefaultGatewayResponseTimeout = TimeSpan.FromSeconds(6);

    public static ISiloBuilder ConfigureSecretsStoreSilo(this ISiloBuilder silo, IConfiguration configuration, string connectionString)
    {
        var orleans = configuration.GetSection("Orleans");
        silo.Configure<ClusterOptions>(o => IdentifyCluster(o, orleans));
        var siloPort = orleans.GetValue("SiloPort", 11111);
        var gatewayPort = orleans.GetValue("GatewayPort", 30000);
        var kubernetes = orleans.GetValue(KubernetesEnabledKey, false);
        if (kubernetes && string.IsNullOrEmpty(orleans["AdvertisedIP"]))
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
            silo.ConfigureEndpoints(
                IPAddress.Parse(orleans["AdvertisedIP"] ?? "127.0.0.1"),
                siloPort,
                gatewayPort,
                listenOnAnyHostAddress: orleans.GetValue("ListenOnAnyHostAddress", false));
        }

        silo.Configure<ClusterMembershipOptions>(o =>
        {
            // A dead silo is declared dead after three missed probes of two seconds each (Orleans' defaults take
            // about 25 s), so its grains answer again from the other silos within ten seconds.
            o.ProbeTimeout = TimeSpan.FromSeconds(2);
            o.NumMissedProbesLimit = 3;
            orleans.GetSection("Membership").Bind(o);
        });
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = DatabaseConnections.ForOrleans(connectionString, DatabaseConnections.OrleansClusteringPoolSize);
        });

        if (kubernetes)
        {
            // Names the silo after its pod and declares a silo dead as soon as its pod is deleted, rather than after
            // missed probes. Membership itself stays in PostgreSQL. Needs the RBAC in deploy/kubernetes.
            silo.UseKubernetesHosting();
        }

        silo.AddSecretsStoreGrainStorage(connectionString);
        silo.AddSecretsStoreActivityPropagation(configuration);
        return silo;
    }

    /// <summary>
    /// A standalone gateway: an Orleans client of the silos of the same cluster, found through the membership table.
    /// It asks the table for live silos every <c>Orleans:GatewayListRefreshPeriod</c>, so one that was added or
    /// restarted takes requests within that time; Orleans' default of a minute would leave a restarted silo idle.
    /// </summary>
    public static IClientBuilder ConfigureSecretsStoreClient(this IClientBuilder client, IConfiguration configuration, string connectionString)
    {
        var orleans = configuration.GetSection("Orleans");
        client.Configure<ClusterOptions>(o => IdentifyCluster(o, orleans));
        client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = orleans.GetValue(GatewayListRefreshPeriodKey, DefaultGatewayListRefreshPeriod));
        client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = orleans.GetValue(GatewayResponseTimeoutKey, DefaultGatewayResponseTimeout));
        client.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = DatabaseConnections.ForOrleans(connectionString, DatabaseConnections.OrleansClusteringPoolSize);
        });
        client.Services.AddSingleton<IClientConnectionRetryFilter, ConnectUntilStopped>();
        if (Telemetry.TracingEnabled(configuration))
        {
            client.AddActivityPropagation();
        }

        return client;
    }

    private static void IdentifyCluster(ClusterOptions options, IConfigurationSection orleans)
    {
        options.ClusterId = orleans["ClusterId"] ?? "secretsstore";
        options.ServiceId = orleans["ServiceId"] ?? "secretsstore";
    }

    /// <summary>
    /// Orleans grain storage (the account grain's small state), for every host including the test cluster, which
    /// brings its own membership. Stores and secrets live in tables of their own (see docs/storage.md).
    /// </summary>
    public static ISiloBuilder AddSecretsStoreGrainStorage(this ISiloBuilder silo, string connectionString) =>
        // The binary serializer follows [GenerateSerializer]/[Id]/[Alias], so renaming a class never breaks a stored row.
        silo.AddAdoNetGrainStorage(StorageNames.Provider, options => options.Configure<Serializer>((o, serializer) =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = DatabaseConnections.ForOrleans(connectionString, DatabaseConnections.OrleansStoragePoolSize);
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
}
