using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using SecretsStore.Silo.Hosting;

namespace SecretsStore.Tests.Infrastructure;

/// <summary>
/// Settings for a service under test: its database, master key and admin token survive restarts. The service runs with
/// both roles, as a deployment should: it serves as the runtime role and migrates as the owner, whose connection
/// (<see cref="ConnectionString"/>, the server's superuser) is also the one tests read and change tables with.
/// </summary>
public sealed record TestHostSettings(string ConnectionString, string RuntimeConnectionString, string MasterKey, string AdminToken)
{
    /// <summary>
    /// For a database of <see cref="SharedPostgres"/>, whose runtime role the service then serves as (through PgBouncer
    /// when the run asks for it: <see cref="SharedPgBouncer"/>).
    /// </summary>
    public static TestHostSettings For(string connectionString) =>
        For(connectionString, SharedPgBouncer.RouteIfAsked(SharedPostgres.RuntimeConnectionStringFor(connectionString)));

    public static TestHostSettings For(string connectionString, string runtimeConnectionString) =>
        new(connectionString, runtimeConnectionString,
            Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

    /// <summary>The command-line settings of both connections.</summary>
    public string[] DatabaseArgs =>
    [
        $"--ConnectionStrings:Postgres={RuntimeConnectionString}",
        $"--ConnectionStrings:PostgresOwner={ConnectionString}",
        // Debian's PgBouncer (1.18) keeps no prepared statement from one transaction to the next.
        .. SharedPgBouncer.Routes(RuntimeConnectionString) ? ["--SecretsStore:Database:PreparedStatements=false"] : Array.Empty<string>(),
    ];
}

/// <summary>Starts the real service (silo + gateway) the way the run command does, on free loopback ports.</summary>
public static class TestHost
{
    public static Task<SecretsStoreApp> StartAsync(TestHostSettings settings, params string[] extraArgs) =>
        StartAsync(settings, configure: null, extraArgs);

    public static async Task<SecretsStoreApp> StartAsync(TestHostSettings settings, Action<WebApplicationBuilder>? configure, params string[] extraArgs)
    {
        string[] args =
        [
            .. settings.DatabaseArgs,
            "--urls=http://127.0.0.1:0",
            $"--Orleans:SiloPort={FreePort.Next()}",
            $"--Orleans:GatewayPort={FreePort.Next()}",
            $"--SecretsStore:MasterKey={settings.MasterKey}",
            $"--SecretsStore:AdminToken={settings.AdminToken}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Orleans=Error",
            // The fixtures drive thousands of requests with one admin token, and send unknown credentials from one
            // address; the limits themselves have their own tests.
            "--SecretsStore:RateLimit:Requests=1000000",
            "--SecretsStore:RateLimit:FailedAuthentications=1000000",
            // Many tests send unknown credentials on purpose; the delay has its own test.
            "--SecretsStore:RateLimit:FailedAuthenticationDelay=00:00:00",
            .. TestClusterCertificates.Args,
            .. extraArgs,
        ];
        var app = await SecretsStoreApp.CreateAsync(args, configure: configure);
        await app.Web.StartAsync();
        return app;
    }
}
