using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.TestingHost;
using SecretsStore.Grains;
using SecretsStore.Grains.Crypto;
using SecretsStore.Persistence;
using SecretsStore.Silo.Hosting;

namespace SecretsStore.Tests.Infrastructure;

/// <summary>An in-process Orleans test cluster of two silos whose grains persist to a real PostgreSQL through our SQL.</summary>
public sealed class GrainClusterFixture : IAsyncLifetime
{
    private readonly MasterKeyRing _keys = new([RandomNumberGenerator.GetBytes(32)]);

    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IGrainFactory Grains => Cluster.Client;

    /// <summary>The cluster's database, to read its rows as they are.</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var connectionString = ConnectionString = await SharedPostgres.CreateDatabaseAsync("grains");
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) => silo.AddSecretsStoreGrainStorage(connectionString));
        builder.ConfigureSiloHost((_, host) => host.Services
            .AddSingleton(DatabaseConnections.CreateDataSource(connectionString, new DatabaseOptions()))
            .AddStoreGrainServices(host.Configuration, _keys));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>A new account's row, as the operator's create makes it: stores are made only in accounts that exist.</summary>
    public async Task<Guid> NewAccountAsync()
    {
        var account = Guid.NewGuid();
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand("INSERT INTO accounts (id, name) VALUES ($1, 'grain-test')", connection);
        insert.Parameters.AddWithValue(account.ToString("N"));
        await insert.ExecuteNonQueryAsync();
        return account;
    }
}

[CollectionDefinition(Name)]
public sealed class GrainClusterCollection : ICollectionFixture<GrainClusterFixture>
{
    public const string Name = "grain-cluster";
}
