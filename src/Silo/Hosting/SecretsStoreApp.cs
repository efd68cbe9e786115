using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Dashboard;
using SecretsStore.Api;
using SecretsStore.Api.Access;
using SecretsStore.Api.Endpoints;
using SecretsStore.Api.Observability;
using SecretsStore.Grains;
using SecretsStore.Persistence;
using SecretsStore.Silo.Hosting.Development;
using SecretsStore.Silo.Hosting.Transport;

namespace SecretsStore.Silo.Hosting;

/// <summary>
/// One process of the service: by default a silo co-hosting the gateway, or either of them alone
/// (<see cref="HostRole"/>). Without <c>ConnectionStrings:Postgres</c> it is a development run
/// (<see cref="DevelopmentEnvironment"/>). A gateway never is; it needs the connection string.
/// It serves as the runtime role of <see cref="DatabaseLogins"/>; a silo migrates as the owner when it has the owner's connection.
/// </summary>
public sealed class SecretsStoreApp : IAsyncDisposable
{
    public const string DefaultUrl = "http://127.0.0.1:8787";

    private readonly NpgsqlDataSource _dataSource;
    private readonly DevelopmentEnvironment? _development;
    private readonly CancellationToken _stopped;

    private SecretsStoreApp(HostRole role, WebApplication web, NpgsqlDataSource dataSource, DevelopmentEnvironment? development)
    {
        Role = role;
        Web = web;
        _dataSource = dataSource;
        _development = development;
        _stopped = web.Lifetime.ApplicationStopped;
        development?.AnnounceWhenListening(web, () => BaseAddress);
    }

    public HostRole Role { get; }

    public WebApplication Web { get; }

    /// <summary>The credentials a development run made (null when configured from outside).</summary>
    public DevelopmentCredentials? Credentials => _development?.Credentials;

    /// <summary>A development run's data folder, PostgreSQL and chosen ports; null with a connection string.</summary>
    public DevelopmentEnvironment? Development => _development;

    /// <summary>The first address the gateway listens on, once started.</summary>
    public Uri BaseAddress => new(Web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <param name="configure">A last look at the builder before the app is built (tests add log capture here).</param>
    public static async Task<SecretsStoreApp> CreateAsync(
        string[] args, Action<string>? announce = null, Action<WebApplicationBuilder>? configure = null, CancellationToken ct = default)
    {
        announce ??= _ => { };
        var builder = CreateBuilder(args);
        var options = AddHostOptions(builder);
        var role = options.ReadRole();
        var configured = DatabaseLogins.Read(builder.Configuration);
        RefuseAGatewayWithoutDatabase(role, configured);
        var configuredUrls = builder.Configuration[WebHostDefaults.ServerUrlsKey];
        if (configured is not null)
        {
            // A development run checks its ports once it holds its data folder (DevelopmentPorts), choosing those not set.
            ListeningPorts.RefuseBusy(options, role, string.IsNullOrEmpty(configuredUrls) ? DefaultUrl : configuredUrls);
        }

        var development = configured is null ? await DevelopmentEnvironment.StartAsync(options, role, configuredUrls, announce, ct) : null;
        try
        {
            var logins = development?.Logins ?? configured!;
            var connectionString = logins.Runtime;
            var clusterTls = ClusterTransport.Resolve(
                options.Cluster, role, development is null ? null : () => development.EnsureClusterCertificates(options, announce));
            var dataSource = await PrepareDatabaseAsync(role, logins, options, announce, ct);
            builder.Services.AddHostedService(services => new DatabaseRoleCheck(
                dataSource, role, configured, services.GetRequiredService<ILogger<DatabaseRoleCheck>>()));
            if (role != HostRole.Gateway)
            {
                builder.Services.AddHostedService(services => new AuditRetentionService(
                    logins.Owner ?? logins.Runtime, options.Audit.Retention,
                    builder.Configuration.GetValue<TimeSpan?>("SecretsStore:Idempotency:Window") ?? Persistence.Audit.AuditRetention.DefaultAnswerWindow,
                    TimeProvider.System, services.GetRequiredService<ILogger<AuditRetentionService>>()));
            }

            if (development is not null)
            {
                await development.AddCredentialsAsync(builder.Services, options, dataSource, ct);
            }

            if (role == HostRole.Gateway)
            {
                AddOrleansClient(builder, options, connectionString, clusterTls);
            }
            else
            {
                AddSilo(builder, options, connectionString, development, announce, clusterTls);
            }

            AddHttp(builder, options, role, dataSource, development?.Ports.DefaultUrl ?? DefaultUrl);
            configure?.Invoke(builder);
            var web = builder.Build();
            ClusterTransport.WarnWhenInsecure(clusterTls, web.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>());
            MapEndpoints(web, role);
            return new SecretsStoreApp(role, web, dataSource, development);
        }
        catch
        {
            if (development is not null)
            {
                await development.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>appsettings.json beside the binaries, wherever the command was typed.</summary>
    private static WebApplicationBuilder CreateBuilder(string[] args) => WebApplication.CreateBuilder(new WebApplicationOptions
    {
        Args = args,
        ContentRootPath = AppContext.BaseDirectory,
        EnvironmentName = DevelopmentEnvironmentName(args),
    });

    /// <summary>Read and checked now, since they decide how the host is built; registered for what runs later.</summary>
    private static SecretsStoreHostOptions AddHostOptions(WebApplicationBuilder builder)
    {
        var options = SecretsStoreHostOptions.Read(builder.Configuration);
        SecretsStoreHostOptions.Register(builder.Services)
            // The Orleans ports a development run chooses (DevelopmentPorts) are filled in here after this point.
            .PostConfigure(o =>
            {
                o.Orleans.SiloPort ??= options.Orleans.SiloPort;
                o.Orleans.GatewayPort ??= options.Orleans.GatewayPort;
            });
        return options;
    }

    private static void RefuseAGatewayWithoutDatabase(HostRole role, DatabaseLogins? logins)
    {
        if (role == HostRole.Gateway && logins is null)
        {
            throw new StartRefusedException(
                $"A gateway ({HostRoles.Key}=gateway) needs ConnectionStrings:Postgres: it finds the silos in the membership table there, and never starts a PostgreSQL of its own.");
        }
    }

    /// <summary>Before the host exists: Orleans reads its queries and membership from these tables as the silo starts.</summary>
    private static async Task<NpgsqlDataSource> PrepareDatabaseAsync(
        HostRole role, DatabaseLogins logins, SecretsStoreHostOptions options, Action<string> announce, CancellationToken ct)
    {
        try
        {
            await DatabasePreparation.PrepareAsync(role, logins, announce, ct);
        }
        catch (NpgsqlException unreachable)
        {
            // A wrong host, port, role or password, or a server that is down: what the person starting it can check.
            var runtime = new NpgsqlConnectionStringBuilder(logins.Runtime);
            throw new StartRefusedException(
                $"The database could not be prepared (ConnectionStrings:{DatabaseLogins.RuntimeKey}: Host={runtime.Host};Port={runtime.Port};Database={runtime.Database};Username={runtime.Username}"
                + $"{(logins.Owner is null ? "" : $", and ConnectionStrings:{DatabaseLogins.OwnerKey}")}): {unreachable.Message.ReplaceLineEndings(" ")}",
                unreachable);
        }

        return DatabaseConnections.CreateDataSource(logins.Runtime, options.Database);
    }

    /// <summary>Values are sealed and opened inside the grains: a gateway holds no master key.</summary>
    private static void AddOrleansClient(WebApplicationBuilder builder, SecretsStoreHostOptions options, string connectionString, ClusterCredentials? tls) =>
        builder.UseOrleansClient(client => client.ConfigureSecretsStoreClient(options, connectionString, tls).AddDashboard());

    private static void AddSilo(
        WebApplicationBuilder builder, SecretsStoreHostOptions options, string connectionString, DevelopmentEnvironment? development, Action<string> announce,
        ClusterCredentials? tls)
    {
        var masterKeys = MasterKeySource.Configured(options)
            ?? development?.AddMasterKeys(builder.Services, announce)
            ?? MasterKeySource.Required(options);
        builder.UseOrleans(silo => silo.ConfigureSecretsStoreSilo(options, builder.Configuration, connectionString, tls).AddDashboard());
        builder.Services.AddStoreGrainServices(builder.Configuration, masterKeys);
    }

    /// <summary>The URLs (with the metrics port) and what is served there: a silo alone answers probes only.</summary>
    /// <param name="defaultUrl">Where to listen when no URL is set: <see cref="DefaultUrl"/>, or the port a development run chose.</param>
    private static void AddHttp(WebApplicationBuilder builder, SecretsStoreHostOptions options, HostRole role, NpgsqlDataSource dataSource, string defaultUrl)
    {
        var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey];
        if (string.IsNullOrEmpty(urls) || Telemetry.MetricsPort(options) is not null)
        {
            builder.WebHost.UseUrls(Telemetry.WithMetricsUrl(string.IsNullOrEmpty(urls) ? defaultUrl : urls, options));
        }

        // Read from configuration here: a silo alone serves no API, so has no ApiOptions, but Kestrel's limits apply to it too.
        var bodies = builder.Configuration.GetSection($"{ApiOptions.Section}:Bodies").Get<Api.Wire.BodyOptions>() ?? new Api.Wire.BodyOptions();
        builder.WebHost.ConfigureKestrel(k => bodies.ApplyTo(k.Limits));
        builder.Services.AddSingleton(dataSource);
        if (role == HostRole.Silo)
        {
            builder.Services.AddSecretsStoreProbes();
        }
        else
        {
            builder.Services.AddSecretsStoreApi(builder.Configuration);
        }

        builder.Services.AddSecretsStoreTelemetry(options);
    }

    private static void MapEndpoints(WebApplication web, HostRole role)
    {
        if (role == HostRole.Silo)
        {
            // Probes and metrics only: an orchestrator still sees the silo start, live and drain, and its Orleans
            // metrics can be scraped, but no request is served here.
            web.UseSecretsStoreMetricsPort();
            web.MapHealthApi();
            web.MapSecretsStoreMetrics();
            return;
        }

        web.UseSecretsStoreForwardedHeaders();
        web.UseSecretsStoreRequestLog();
        web.UseSecretsStoreMetricsPort();
        web.UseSecretsStoreDrain();
        web.UseSecretsStoreErrors();
        web.MapOperatorDashboard();
        web.MapSecretsStoreMetrics();
        web.MapSecretsStoreApi();
    }

    /// <summary>
    /// <c>Development</c> for a development run (no <c>ConnectionStrings:Postgres</c>) unless an environment is named
    /// (<c>DOTNET_ENVIRONMENT</c>, <c>ASPNETCORE_ENVIRONMENT</c>, <c>--environment</c>); null leaves the host's default,
    /// Production. Decided before the host is built, because the host reads it while it is being built.
    /// </summary>
    private static string? DevelopmentEnvironmentName(string[] args)
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
        if (_development is not null)
        {
            await _development.DisposeAsync();
        }
    }
}
