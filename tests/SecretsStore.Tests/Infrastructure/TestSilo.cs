using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using SecretsStore.Silo.Hosting;

namespace SecretsStore.Tests.Infrastructure;

/// <summary>
/// A real silo on loopback ports, using our SQL for both ADO.NET clustering and grain storage,
/// configured the way production configures them.
/// </summary>
public static class TestSilo
{
    public const string ServiceId = "secretsstore-tests";
    public const string StorageName = "test-store";

    /// <summary>The same storage, configured to delete rows on clear (the provider then runs DeleteStorageKey).</summary>
    public const string DeletingStorageName = "test-store-deleting";

    public static async Task<IHost> StartAsync(string connectionString, string clusterId)
    {
        var host = Build(connectionString, clusterId);
        await host.StartAsync();
        return host;
    }

    /// <summary>A silo host that is configured but not started, for calling providers directly.</summary>
    public static IHost Build(string connectionString, string clusterId)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = clusterId;
                options.ServiceId = ServiceId;
            });
            silo.ConfigureEndpoints(IPAddress.Loopback, FreePort.Next(), FreePort.Next());
            silo.AddSecretsStoreClustering(connectionString);
            silo.AddSecretsStoreGrainStorage(connectionString, StorageName);
            silo.AddSecretsStoreGrainStorage(connectionString, DeletingStorageName, options => options.DeleteStateOnClear = true);
        });

        return builder.Build();
    }

    public static async Task StopAsync(IHost host)
    {
        await host.StopAsync();
        host.Dispose();
    }
}
