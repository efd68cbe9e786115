using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using SecretsStore.Silo.Hosting;

namespace SecretsStore.Tests.Infrastructure;

/// <summary>Settings for a service under test: its database, master key and admin token survive restarts.</summary>
public sealed record TestHostSettings(string ConnectionString, string MasterKey, string AdminToken)
{
    public static TestHostSettings For(string connectionString) =>
        new(connectionString, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
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
            $"--ConnectionStrings:Postgres={settings.ConnectionString}",
            "--urls=http://127.0.0.1:0",
            $"--Orleans:SiloPort={FreePort.Next()}",
            $"--Orleans:GatewayPort={FreePort.Next()}",
            $"--SecretsStore:MasterKey={settings.MasterKey}",
            $"--SecretsStore:AdminToken={settings.AdminToken}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Orleans=Error",
            // The fixtures drive thousands of requests with one admin token; the limit itself has its own test.
            "--SecretsStore:RateLimit:Requests=1000000",
            .. TestClusterCertificates.Args,
            .. extraArgs,
        ];
        var app = await SecretsStoreApp.CreateAsync(args, configure: configure);
        await app.Web.StartAsync();
        return app;
    }
}
