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

    public static ISiloBuilder ConfigureSecretsStoreSilo(this ISiloBuilder silo, IConfiguration configuration, string connectionString)
    {
        var orleans = configuration.GetSection("Orleans");
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = orleans["ClusterId"] ?? "secretsstore";
            o.ServiceId = orleans["ServiceId"] ?? "secretsstore";
        });
        silo.ConfigureEndpoints(
            IPAddress.Parse(orleans["AdvertisedIP"] ?? "127.0.0.1"),
            orleans.GetValue("SiloPort", 11111),
            orleans.GetValue("GatewayPort", 30000),
            listenOnAnyHostAddress: orleans.GetValue("ListenOnAnyHostAddress", false));
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

        silo.AddSecretsStoreGrainStorage(connectionString);
        silo.AddSecretsStoreActivityPropagation(configuration);
        return silo;
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
