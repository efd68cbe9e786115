using System.Diagnostics;
using System.Globalization;
using Npgsql;
using SecretsStore.Silo.Hosting;
using SecretsStore.Silo.Hosting.Development;

namespace SecretsStore.Tests.Hosting;

public sealed class EmbeddedPostgresTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"secretsstore-embedded-{Guid.NewGuid():N}");

    [Fact]
    public async Task AServerLeftRunningByAKilledRunIsReplacedOnTheSamePort()
    {
        // The first instance is never stopped, as if its process had been killed.
        var abandoned = await EmbeddedPostgres.StartAsync(_root);

        await using var restarted = await EmbeddedPostgres.StartAsync(_root);

        Assert.Equal(abandoned.Port, restarted.Port);
        Assert.Equal(1, await SelectOneAsync(restarted));
    }

    [Fact]
    public async Task AStalePidFileFromAKilledServerDoesNotPreventAStart()
    {
        var first = await EmbeddedPostgres.StartAsync(_root);
        await KillPostmasterAsync();

        await using var second = await EmbeddedPostgres.StartAsync(_root);

        Assert.Equal(first.Port, second.Port);
        Assert.Equal(1, await SelectOneAsync(second));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        return Task.CompletedTask;
    }

    private async Task KillPostmasterAsync()
    {
        var pid = int.Parse(File.ReadLines(Path.Combine(_root, "pgdata", "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        using var postmaster = Process.GetProcessById(pid);
        postmaster.Kill();
        await postmaster.WaitForExitAsync();
    }

    private static async Task<int> SelectOneAsync(EmbeddedPostgres server)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionStringFor("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        return (int)(await command.ExecuteScalarAsync())!;
    }
}
