using System.Diagnostics;
using System.Globalization;
using Npgsql;
using SecretsStore.Silo.Hosting;
using SecretsStore.Silo.Hosting.Development;
using SecretsStore.Tests.Infrastructure;

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

    [Fact]
    public async Task AFolderMadeWithTrustAuthenticationIsUpgradedOnItsNextStartAndKeepsItsData()
    {
        await MakeTrustModeFolderWithATableAsync(_root, "kept");

        await using (var upgraded = await EmbeddedPostgres.StartAsync(_root))
        {
            Assert.Equal("kept", await ScalarAsync(upgraded.ConnectionStringFor("kept"), "SELECT v FROM marker"));
            var noPassword = new NpgsqlConnectionStringBuilder(upgraded.ConnectionStringFor("kept")) { Password = null, Pooling = false };
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => ScalarAsync(noPassword.ConnectionString, "SELECT 1"));
            Assert.DoesNotContain(File.ReadLines(Path.Combine(_root, "pgdata", "pg_hba.conf")), line => line.Split('#')[0].Contains("trust", StringComparison.Ordinal));
        }

        // And the next start finds nothing left to upgrade.
        await using var again = await EmbeddedPostgres.StartAsync(_root);
        Assert.Equal("kept", await ScalarAsync(again.RuntimeConnectionStringFor("kept"), "SELECT current_database()"));
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

    /// <summary>
    /// A data folder as the development run made it before passwords: initdb with trust authentication, the server on
    /// loopback TCP and a socket under the folder, and a database with a row in it.
    /// </summary>
    private static async Task MakeTrustModeFolderWithATableAsync(string root, string database)
    {
        Directory.CreateDirectory(Path.Combine(root, "socket"));
        var port = FreePort.Next();
        await File.WriteAllTextAsync(Path.Combine(root, "port"), port.ToString(CultureInfo.InvariantCulture));
        if (Environment.IsPrivilegedProcess)
        {
            await RunAsync("chown", "-R", "postgres:postgres", root);
        }

        var data = Path.Combine(root, "pgdata");
        await RunPostgresToolAsync("initdb", "-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C");
        await RunPostgresToolAsync("pg_ctl", "-D", data, "-l", Path.Combine(root, "postgres.log"), "-w",
            "-o", $"-p {port} -k \"{Path.Combine(root, "socket")}\" -c listen_addresses=127.0.0.1", "start");
        try
        {
            var trusted = $"Host=127.0.0.1;Port={port};Username=postgres;Pooling=false";
            await ScalarAsync($"{trusted};Database=postgres", $"CREATE DATABASE {database}");
            await ScalarAsync($"{trusted};Database={database}", "CREATE TABLE marker (v text); INSERT INTO marker VALUES ('kept')");
        }
        finally
        {
            await RunPostgresToolAsync("pg_ctl", "-D", data, "-m", "fast", "-w", "stop");
        }
    }

    private static Task RunPostgresToolAsync(string tool, params string[] arguments)
    {
        var executable = Path.Combine(EmbeddedPostgres.FindBinDirectory(), tool);
        return Environment.IsPrivilegedProcess ? RunAsync("runuser", ["-u", "postgres", "--", executable, .. arguments]) : RunAsync(executable, arguments);
    }

    private static async Task RunAsync(string executable, params string[] arguments)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        arguments.ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{executable} failed: {await output}{await errors}");
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private static async Task<int> SelectOneAsync(EmbeddedPostgres server)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionStringFor("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        return (int)(await command.ExecuteScalarAsync())!;
    }
}
