using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Persistence;

/// <summary>
/// The Orleans ADO.NET providers run only the SQL in our migrations, so these tests prove that SQL
/// honours their contract: a real silo, real PostgreSQL, and the provider's own code on top.
/// </summary>
public sealed class OrleansProviderTests
{
    private const string ClusterId = "tests";
    private const int Active = 3;
    private const int Dead = 6;

    [Fact]
    public async Task GrainStateIsReloadedFromTheDatabaseAfterDeactivation()
    {
        var connectionString = await SharedPostgres.CreateDatabaseAsync("storage_roundtrip");
        var silo = await TestSilo.StartAsync(connectionString, ClusterId);
        try
        {
            var counter = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<ICounterGrain>("roundtrip");
            await counter.IncrementAsync();
            var written = await counter.IncrementAsync();
            await counter.DeactivateAsync();

            var reloaded = await counter.ReadAsync();

            Assert.NotEqual(written.ActivationId, reloaded.ActivationId);
            Assert.Equal(2, reloaded.Value);
            // Stored with the Orleans binary serializer, not the default JSON, at the second version.
            var payload = (byte[])await ScalarAsync(connectionString, "SELECT PayloadBinary FROM OrleansStorage WHERE GrainTypeString = 'counter'");
            Assert.Equal(2, silo.Services.GetRequiredService<Serializer>().Deserialize<CounterState>(payload)!.Value);
            Assert.Equal(2, (int)await ScalarAsync(connectionString, "SELECT Version FROM OrleansStorage WHERE GrainTypeString = 'counter'"));
        }
        finally
        {
            await TestSilo.StopAsync(silo);
        }
    }

    [Fact]
    public async Task AWriteCarryingAStaleETagIsRejected()
    {
        await WithStorageAsync("storage_stale_etag", TestSilo.StorageName, async (storage, connectionString) =>
        {
            var grainId = GrainId.Create("counter", "stale-etag");

            var current = new GrainState<CounterState>(new CounterState { Value = 1 });
            await storage.WriteStateAsync("counter", grainId, current);
            var stale = new GrainState<CounterState>(new CounterState { Value = 99 }, current.ETag);
            current.State!.Value = 2;
            await storage.WriteStateAsync("counter", grainId, current);

            await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("counter", grainId, stale));
            // A second activation that never read the row must not overwrite it either.
            var unread = new GrainState<CounterState>(new CounterState { Value = 7 });
            await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("counter", grainId, unread));

            var read = new GrainState<CounterState>();
            await storage.ReadStateAsync("counter", grainId, read);
            Assert.Equal(2, read.State!.Value);
            Assert.Equal("2", read.ETag);
        });
    }

    [Fact]
    public async Task ClearingStateForgetsItButKeepsTheETagMoving()
    {
        await WithStorageAsync("storage_clear", TestSilo.StorageName, async (storage, connectionString) =>
        {
            var grainId = GrainId.Create("counter", "clear");
            var state = new GrainState<CounterState>(new CounterState { Value = 5 });
            await storage.WriteStateAsync("counter", grainId, state);

            await storage.ClearStateAsync("counter", grainId, state);

            var read = new GrainState<CounterState>();
            await storage.ReadStateAsync("counter", grainId, read);
            Assert.False(read.RecordExists);
            Assert.Equal(0, read.State!.Value);
            Assert.Equal("2", read.ETag);
        });
    }

    [Fact]
    public async Task ClearingWithDeleteStateOnClearRemovesTheRow()
    {
        await WithStorageAsync("storage_delete", TestSilo.DeletingStorageName, async (storage, connectionString) =>
        {
            var grainId = GrainId.Create("counter", "delete");
            var state = new GrainState<CounterState>(new CounterState { Value = 5 });
            await storage.WriteStateAsync("counter", grainId, state);

            await storage.ClearStateAsync("counter", grainId, state);

            Assert.Null(state.ETag);
            Assert.Equal(0L, await ScalarAsync(connectionString, "SELECT count(*) FROM OrleansStorage"));
            // With the row gone, the next first write starts the versions again.
            await storage.WriteStateAsync("counter", grainId, state);
            Assert.Equal("1", state.ETag);
        });
    }

    [Fact]
    public async Task ASiloJoinsTheMembershipTableAsActiveAndLeavesItAsDead()
    {
        var connectionString = await SharedPostgres.CreateDatabaseAsync("membership");
        var silo = await TestSilo.StartAsync(connectionString, ClusterId);
        List<int> whileRunning;
        try
        {
            whileRunning = await StatusesAsync(connectionString);
        }
        finally
        {
            await TestSilo.StopAsync(silo);
        }

        Assert.Equal([Active], whileRunning);
        Assert.Equal([Dead], await StatusesAsync(connectionString));
    }

    [Fact]
    public async Task AClientFindsTheSiloThroughTheMembershipTable()
    {
        var connectionString = await SharedPostgres.CreateDatabaseAsync("gateways");
        var silo = await TestSilo.StartAsync(connectionString, ClusterId);
        try
        {
            var builder = Host.CreateApplicationBuilder();
            builder.UseOrleansClient(client =>
            {
                client.Configure<ClusterOptions>(options =>
                {
                    options.ClusterId = ClusterId;
                    options.ServiceId = TestSilo.ServiceId;
                });
                client.UseAdoNetClustering(options =>
                {
                    options.Invariant = "Npgsql";
                    options.ConnectionString = connectionString;
                });
            });
            using var clientHost = builder.Build();
            await clientHost.StartAsync();

            var reading = await clientHost.Services.GetRequiredService<IClusterClient>()
                .GetGrain<ICounterGrain>("through-gateway")
                .IncrementAsync();

            Assert.Equal(1, reading.Value);
            await clientHost.StopAsync();
        }
        finally
        {
            await TestSilo.StopAsync(silo);
        }
    }

    [Fact]
    public async Task DefunctSiloEntriesAreRemovedButActiveOnesStay()
    {
        var connectionString = await SharedPostgres.CreateDatabaseAsync("defunct");
        var silo = await TestSilo.StartAsync(connectionString, ClusterId);
        try
        {
            await ExecuteAsync(connectionString, $"""
                INSERT INTO OrleansMembershipTable
                    (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
                VALUES
                    ('{ClusterId}', '127.0.0.2', 1, 1, 'gone', 'gone', {Dead}, 0, now() - interval '2 days', now() - interval '2 days')
                """);

            await silo.Services.GetRequiredService<IMembershipTable>()
                .CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddDays(-1));

            Assert.Equal([Active], await StatusesAsync(connectionString));
        }
        finally
        {
            await TestSilo.StopAsync(silo);
        }
    }

    private static async Task<List<int>> StatusesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT Status FROM OrleansMembershipTable WHERE DeploymentId = @cluster ORDER BY Status", connection);
        command.Parameters.AddWithValue("cluster", ClusterId);
        await using var reader = await command.ExecuteReaderAsync();
        var statuses = new List<int>();
        while (await reader.ReadAsync())
        {
            statuses.Add(reader.GetInt32(0));
        }

        return statuses;
    }

    private static async Task<object> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync() ?? throw new InvalidOperationException($"No row for: {sql}");
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs a test against the named storage provider of a silo on a fresh database, and stops the silo after.</summary>
    private static async Task WithStorageAsync(string database, string storageName, Func<IGrainStorage, string, Task> test)
    {
        var connectionString = await SharedPostgres.CreateDatabaseAsync(database);
        var silo = await TestSilo.StartAsync(connectionString, ClusterId);
        try
        {
            await test(silo.Services.GetRequiredKeyedService<IGrainStorage>(storageName), connectionString);
        }
        finally
        {
            await TestSilo.StopAsync(silo);
        }
    }
}
