using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Serialization;
using SecretsStore.Benchmarks.Experiments.EventSourcing;
using SecretsStore.Benchmarks.Tools;
using SecretsStore.Grains;
using SecretsStore.Grains.Crypto;
using SecretsStore.Persistence;
using SecretsStore.Silo.Hosting;

namespace SecretsStore.Benchmarks.Scenarios.StorageDesigns;

/// <summary>
/// One in-process silo hosting both designs, so they share the process, the scheduler and the PostgreSQL server:
/// our store grain on one database (registered as the service and its tests register it), the event-sourced
/// prototype on another.
/// </summary>
internal sealed class DesignSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private DesignSilo(IHost host) => _host = host;

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>Our design's database, as the store grains reach it.</summary>
    public Npgsql.NpgsqlDataSource Database => _host.Services.GetRequiredService<Npgsql.NpgsqlDataSource>();

    public IManagementGrain Management => Grains.GetGrain<IManagementGrain>(0);

    public PostgresEventLog EventLog => _host.Services.GetRequiredService<PostgresEventLog>();

    public static async Task<DesignSilo> StartAsync(string rowsDatabase, string eventsDatabase, int snapshotEvery)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // The watchdog can warn once at start-up, timing a stall from a timestamp it has not set yet (so as long as the
        // machine has been up); nothing here is worth a warning in the middle of the results.
        builder.Logging.AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(FreePorts.Next(), FreePorts.Next())
            .AddSecretsStoreGrainStorage(rowsDatabase)
            .AddCustomStorageBasedLogConsistencyProvider(EventSourcedStoreGrain.ProviderName));
        builder.Services
            .AddSingleton(DatabaseConnections.CreateDataSource(rowsDatabase, new DatabaseOptions()))
            .AddStoreGrainServices(builder.Configuration, new MasterKeyRing([RandomNumberGenerator.GetBytes(MasterKeyRing.KeyBytes)]))
            // The same pool size as the service's own data source: a design that needs more connections shows it.
            .AddSingleton(services => new PostgresEventLog(
                DatabaseConnections.CreateDataSource(eventsDatabase, new DatabaseOptions()),
                services.GetRequiredService<Serializer>(),
                snapshotEvery));

        var host = builder.Build();
        await host.Services.GetRequiredService<PostgresEventLog>().CreateSchemaAsync();
        await host.StartAsync();
        return new DesignSilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        // The event log's data source is disposed asynchronously along with the container.
        await ((IAsyncDisposable)_host).DisposeAsync();
    }
}
