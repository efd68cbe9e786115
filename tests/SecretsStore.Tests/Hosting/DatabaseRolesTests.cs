using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using SecretsStore.Persistence;
using SecretsStore.Silo.Commands;
using SecretsStore.Silo.Hosting;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Hosting;

/// <summary>
/// Which process migrates, with which credentials (deploy/README.md, "Database roles"): the migrate command as the
/// owner, a silo with only the runtime role's connection that waits for it, a gateway that never migrates, and the
/// single role of deployments made before the split, which keeps working and says that the trail is mutable.
/// </summary>
public sealed class DatabaseRolesTests
{
    private const string MutableTrailWarning = "The audit trail is mutable by this service";

    [Fact]
    public async Task AfterTheMigrateCommandAServiceWithOnlyTheRuntimesConnectionServesAndDoesNotWarn()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateEmptyDatabaseAsync("migrate_cmd"));
        using var output = new StringWriter();
        using var errors = new StringWriter();

        var exit = await OperatorCommands.RunAsync(["migrate", .. settings.DatabaseArgs], output, errors);

        Assert.True(exit == OperatorCommands.Done, $"exit {exit}: {errors}");
        Assert.Empty(await DatabaseSchema.MissingMigrationsAsync(settings.ConnectionString));
        var logs = new CapturingLoggerProvider();
        await using var app = await TestHost.StartAsync(settings, b => b.Logging.AddProvider(logs), "--ConnectionStrings:PostgresOwner=");
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        await AppFixture.NewAccountAsync(new ApiClient(http), settings.AdminToken);
        Assert.DoesNotContain(MutableTrailWarning, logs.Text);
    }

    [Fact]
    public async Task ASiloWithOnlyTheRuntimesConnectionWaitsForTheOwnerToMigrate()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateEmptyDatabaseAsync("runtime_waits"));
        var announced = Channel.CreateUnbounded<string>();

        var starting = StartAsync(settings with { ConnectionString = settings.RuntimeConnectionString }, "combined", announced.Writer, CancellationToken.None);
        await WaitForAsync(announced.Reader, "Waiting for the database schema");
        Assert.False(starting.IsCompleted);
        await DatabasePreparation.MigrateAsOwnerAsync(new DatabaseLogins(settings.RuntimeConnectionString, settings.ConnectionString), settings.ConnectionString, default);

        await using var app = await starting.WaitAsync(TimeSpan.FromSeconds(90));
        await app.Web.StartAsync();
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        Assert.Equal(200, (await new ApiClient(http).GetAsync("/admin/v1/accounts", settings.AdminToken)).Status);
    }

    [Fact]
    public async Task AGatewayNeverMigratesEvenWithTheOwnersConnection()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateEmptyDatabaseAsync("gateway_waits"));
        var announced = Channel.CreateUnbounded<string>();
        using var stop = new CancellationTokenSource();

        // As deployments made before the split configure it: the one connection, the owner's.
        var starting = StartAsync(settings, "gateway", announced.Writer, stop.Token);
        await WaitForAsync(announced.Reader, "Waiting for the database schema");

        Assert.Equal(0L, await ScalarAsync(settings.ConnectionString, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => starting);
    }

    [Fact]
    public async Task WithOneConnectionTheServiceMigratesAndServesAsBeforeButWarnsThatTheTrailIsMutable()
    {
        var database = await SharedPostgres.CreateEmptyDatabaseAsync("single_role");
        var settings = TestHostSettings.For(database, runtimeConnectionString: database);
        var logs = new CapturingLoggerProvider();

        await using var app = await TestHost.StartAsync(settings, b => b.Logging.AddProvider(logs), "--ConnectionStrings:PostgresOwner=");

        Assert.Empty(await DatabaseSchema.MissingMigrationsAsync(database));
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        Assert.Equal(200, (await new ApiClient(http).GetAsync("/admin/v1/accounts", settings.AdminToken)).Status);
        Assert.Contains(MutableTrailWarning, logs.Text);
        Assert.Contains("ConnectionStrings:PostgresOwner", logs.Text);
    }

    /// <summary>The service with one connection, <paramref name="settings"/>' ConnectionString, whatever the role behind it.</summary>
    private static Task<SecretsStoreApp> StartAsync(TestHostSettings settings, string role, ChannelWriter<string> announced, CancellationToken ct) =>
        Task.Run(() => SecretsStoreApp.CreateAsync(
        [
            $"--ConnectionStrings:Postgres={settings.ConnectionString}",
            $"--SecretsStore:Role={role}",
            "--urls=http://127.0.0.1:0",
            $"--Orleans:SiloPort={FreePort.Next()}",
            $"--Orleans:GatewayPort={FreePort.Next()}",
            $"--SecretsStore:MasterKey={settings.MasterKey}",
            $"--SecretsStore:AdminToken={settings.AdminToken}",
            "--Logging:LogLevel:Default=Warning",
            .. TestClusterCertificates.Args,
        ], line => announced.TryWrite(line), ct: ct));

    private static async Task WaitForAsync(ChannelReader<string> announced, string text)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!(await announced.ReadAsync(timeout.Token)).Contains(text, StringComparison.Ordinal))
        {
        }
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
