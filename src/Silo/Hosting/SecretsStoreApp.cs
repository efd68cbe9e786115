using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Dashboard;
using SecretsStore.Api;
using SecretsStore.Api.Access;
using SecretsStore.Api.Endpoints;
using SecretsStore.Api.Observability;
using SecretsStore.Grains;
using SecretsStore.Grains.Persistence;

namespace SecretsStore.Silo.Hosting;

/// <summary>
/// One process of the service: by default a silo co-hosting the gateway, or either of them alone
/// (<see cref="HostRole"/>). Without <c>ConnectionStrings:Postgres</c> it is a development run: it starts a private
/// PostgreSQL under the data folder and makes its own master key and credentials there. A gateway never does; it
/// needs the connection string.
/// </summary>
public sealed class SecretsStoreApp : IAsyncDisposable
{
    public const string DefaultUrl = "http://127.0.0.1:8787";

    private readonly EmbeddedPostgres? _postgres;
    private readonly DataFolderLock? _folderLock;
    private readonly NpgsqlDataSource _dataSource;
    private readonly CancellationToken _stopped;

    private SecretsStoreApp(
        HostRole role, WebApplication web, NpgsqlDataSource dataSource, EmbeddedPostgres? postgres, DataFolderLock? folderLock, DevelopmentCredentials? credentials)
    {
        Role = role;
        Web = web;
        _dataSource = dataSource;
        _postgres = postgres;
        _folderLock = folderLock;
        Credentials = credentials;
        _stopped = web.Lifetime.ApplicationStopped;
        if (folderLock is not null)
        {
            web.Lifetime.ApplicationStarted.Register(() => folderLock.Announce(BaseAddress));
        }
    }

    public HostRole Role { get; }

    public WebApplication Web { get; }

    /// <summary>The credentials a development run made (null when configured from outside).</summary>
    public DevelopmentCredentials? Credentials { get; }

    /// <summary>The first address the gateway listens on, once started.</summary>
    public Uri BaseAddress => new(Web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <param name="configure">A last look at the builder before the app is built (tests add log capture here).</param>
    public static async Task<SecretsStoreApp> CreateAsync(
        string[] args, Action<string>? announce = null, Action<WebApplicationBuilder>? configure = null, CancellationToken ct = default)
    {
        announce ??= _ => { };
        // appsettings.json sits beside the binaries, wherever the command was typed.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = DevelopmentEnvironment(args),
        });
        var configuration = builder.Configuration;
        var urls = configuration[WebHostDefaults.ServerUrlsKey];
        if (string.IsNullOrEmpty(urls) || Telemetry.MetricsPort(configuration) is not null)
        {
            builder.WebHost.UseUrls(Telemetry.WithMetricsUrl(string.IsNullOrEmpty(urls) ? DefaultUrl : urls, configuration));
        }

        var options = SecretsStoreHostOptions.Read(configuration);
        var role = options.ReadRole();
        var connectionString = configuration.GetConnectionString("Postgres");
        if (role == HostRole.Gateway && string.IsNullOrEmpty(connectionString))
        {
            throw new InvalidOperationException(
                $"A gateway ({HostRoles.Key}=gateway) needs ConnectionStrings:Postgres: it finds the silos in the membership table there, and never starts a PostgreSQL of its own.");
        }

        var developmentFolder = string.IsNullOrEmpty(connectionString) ? DataFolder.Resolve(options) : null;
        EmbeddedPostgres? postgres = null;
        // Claimed before anything in the folder is touched: a second start on it must leave the first one's
        // PostgreSQL, ports and membership alone.
        var folderLock = developmentFolder is null ? null : DataFolderLock.Acquire(developmentFolder);
        try
        {
            if (developmentFolder is not null)
            {
                postgres = await EmbeddedPostgres.StartAsync(Path.Combine(developmentFolder, "postgres"), ct: ct);
                announce($"Started PostgreSQL under {developmentFolder}/postgres on port {postgres.Port}.");
                connectionString = postgres.ConnectionStringFor("secretsstore");
            }

            await DatabaseBootstrap.EnsureDatabaseExistsAsync(connectionString!, ct);
            await DatabaseMigrator.MigrateAsync(connectionString!, ct);
            var dataSource = DatabaseConnections.CreateDataSource(connectionString!, options.Database);
            var credentials = developmentFolder is not null && string.IsNullOrEmpty(options.AdminToken)
                ? await DevelopmentCredentials.EnsureAsync(developmentFolder, new AccountRepository(dataSource), new CredentialRepository(dataSource), ct)
                : null;
            var hostOptions = SecretsStoreHostOptions.Register(builder.Services);
            if (credentials is not null)
            {
                // The admin token the development run made stands in for SecretsStore:AdminToken, wherever it is read.
                hostOptions.PostConfigure(o => o.AdminToken = credentials.AdminToken);
                builder.Services.PostConfigure<AccessOptions>(o => o.AdminToken = credentials.AdminToken);
            }

            builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 2L * Api.Wire.RequestBody.MaxBytes);
            if (role == HostRole.Gateway)
            {
                // Values are sealed and opened inside the grains: a gateway holds no master key.
                builder.UseOrleansClient(client => client.ConfigureSecretsStoreClient(options, configuration, connectionString!).AddDashboard());
            }
            else
            {
                var masterKeys = MasterKeySource.Load(options, developmentFolder, announce, out var developmentKeys);
                builder.UseOrleans(silo => silo.ConfigureSecretsStoreSilo(options, configuration, connectionString!).AddDashboard());
                if (developmentKeys is not null)
                {
                    builder.Services.AddSingleton<Grains.Keys.IMasterKeyGenerator>(developmentKeys);
                }

                builder.Services.AddStoreGrainServices(configuration, masterKeys);
            }

            builder.Services.AddSingleton(dataSource);
            if (role == HostRole.Silo)
            {
                builder.Services.AddSecretsStoreProbes();
            }
            else
            {
                builder.Services.AddSecretsStoreApi(configuration);
            }

            builder.Services.AddSecretsStoreTelemetry(configuration);

            configure?.Invoke(builder);
            var web = builder.Build();
            if (role == HostRole.Silo)
            {
                // Probes and metrics only: an orchestrator still sees the silo start, live and drain, and its Orleans
                // metrics can be scraped, but no request is served here.
                web.UseSecretsStoreMetricsPort(configuration);
                web.MapHealthApi();
                web.MapSecretsStoreMetrics(configuration);
            }
            else
            {
                web.UseSecretsStoreRequestLog(configuration);
                web.UseSecretsStoreMetricsPort(configuration);
                web.UseSecretsStoreDrain();
                web.UseSecretsStoreErrors();
                web.MapOperatorDashboard();
                web.MapSecretsStoreMetrics(configuration);
                web.MapSecretsStoreApi();
            }

            return new SecretsStoreApp(role, web, dataSource, postgres, folderLock, credentials);
        }
        catch
        {
            if (postgres is not null)
            {
                await postgres.DisposeAsync();
            }

            folderLock?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// <c>Development</c> for a development run (no <c>ConnectionStrings:Postgres</c>) unless an environment is named
    /// (<c>DOTNET_ENVIRONMENT</c>, <c>ASPNETCORE_ENVIRONMENT</c>, <c>--environment</c>); null leaves the host's default,
    /// Production. Decided before the host is built, because the host reads it while it is being built.
    /// </summary>
    private static string? DevelopmentEnvironment(string[] args)
    {
        var early = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .Build();
        var named = early[HostDefaults.EnvironmentKey] ?? early["DOTNET_ENVIRONMENT"] ?? early["ASPNETCORE_ENVIRONMENT"];
        return string.IsNullOrEmpty(named) && string.IsNullOrEmpty(early.GetConnectionString("Postgres")) ? Environments.Development : null;
    }

    public async ValueTask DisposeAsync()
    {
        // Stopping first lets the silo deactivate its grains and leave the cluster; disposing alone would cancel that.
        // After RunAsync the host has stopped and disposed itself already, and a second stop would run Orleans'
        // shutdown again on disposed services (a client logs errors for it).
        if (!_stopped.IsCancellationRequested)
        {
            await Web.StopAsync();
        }

        await Web.DisposeAsync();
        await _dataSource.DisposeAsync();
        if (_postgres is not null)
        {
            // The providers pool connections by connection string; once our own server stops they are dead, and a
            // later start in this process (same port) must not be handed one.
            NpgsqlConnection.ClearAllPools();
            await _postgres.DisposeAsync();
        }

        _folderLock?.Dispose();
    }
}
