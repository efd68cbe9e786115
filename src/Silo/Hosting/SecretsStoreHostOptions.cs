using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SecretsStore.Persistence;
using SecretsStore.Silo.Hosting.Transport;

namespace SecretsStore.Silo.Hosting;

/// <summary>
/// The host's settings (docs/configuration.md has every key and default): the <c>SecretsStore</c> section, with its
/// <c>Orleans</c> sibling. Bound and checked once, before anything starts, since the role, the database and the silo's
/// ports decide how the host is built; the same binding serves <see cref="IOptions{TOptions}"/> afterwards.
/// </summary>
public sealed class SecretsStoreHostOptions : IValidatableObject
{
    public const string Section = "SecretsStore";

    /// <summary>A development run's folder may also be named by this variable, which wins over <c>SecretsStore:DataFolder</c>.</summary>
    public const string DataFolderVariable = "SECRETSSTORE_DATA";

    /// <summary><c>combined</c> (unset), <c>silo</c> or <c>gateway</c>: see <see cref="HostRole"/>.</summary>
    public string? Role { get; set; }

    /// <summary>A development run's PostgreSQL, master key and credentials; <c>.data</c> when unset.</summary>
    public string? DataFolder { get; set; }

    /// <summary>The operator's token for <c>/admin/v1</c>, the dashboard and the metrics; a development run makes one.</summary>
    public string? AdminToken { get; set; }

    public string? MasterKey { get; set; }

    public string[]? MasterKeys { get; set; }

    public string? MasterKeyFile { get; set; }

    public DatabaseOptions Database { get; set; } = new();

    public MetricsHostOptions Metrics { get; set; } = new();

    public TracingHostOptions Tracing { get; set; } = new();

    /// <summary><c>SecretsStore:Audit</c>: the trail's retention.</summary>
    public AuditHostOptions Audit { get; set; } = new();

    /// <summary><c>SecretsStore:Cluster</c>: the certificates of the Orleans links (mutual TLS).</summary>
    public ClusterTlsOptions Cluster { get; set; } = new();

    /// <summary><c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, the OpenTelemetry SDK's own variable: whether to export at all.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>OTEL_SERVICE_NAME</c>; <c>secretsstore</c> when unset.</summary>
    public string? OtelServiceName { get; set; }

    /// <summary>The <c>Orleans</c> section (membership is bound straight onto Orleans' own options).</summary>
    public OrleansHostOptions Orleans { get; set; } = new();

    public HostRole ReadRole() => HostRoles.Parse(Role);

    /// <summary>Binds and validates, throwing <see cref="OptionsValidationException"/> naming every bad setting.</summary>
    public static SecretsStoreHostOptions Read(IConfiguration configuration)
    {
        var options = new SecretsStoreHostOptions();
        Bind(configuration, options);
        var failures = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), failures, validateAllProperties: true))
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(SecretsStoreHostOptions), failures.Select(f => f.ErrorMessage ?? "invalid"));
        }

        return options;
    }

    /// <summary>Registers the same binding for <see cref="IOptions{TOptions}"/>, validated when the host starts.</summary>
    public static OptionsBuilder<SecretsStoreHostOptions> Register(IServiceCollection services) =>
        services.AddOptions<SecretsStoreHostOptions>()
            .Configure<IConfiguration>((options, configuration) => Bind(configuration, options))
            .ValidateDataAnnotations()
            .ValidateOnStart();

    private static void Bind(IConfiguration configuration, SecretsStoreHostOptions options)
    {
        configuration.GetSection(Section).Bind(options);
        configuration.GetSection(OrleansHostOptions.Section).Bind(options.Orleans);
        options.DataFolder = configuration[DataFolderVariable] ?? options.DataFolder;
        options.OtlpEndpoint = configuration[Telemetry.OtlpEndpointKey];
        options.OtelServiceName = configuration[Telemetry.ServiceNameKey];
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        string? roleProblem = null;
        try
        {
            ReadRole();
        }
        catch (InvalidOperationException refused)
        {
            roleProblem = refused.Message;
        }

        if (roleProblem is not null)
        {
            yield return new ValidationResult(roleProblem, [nameof(Role)]);
        }

        if (Api.Access.AdminToken.Problem(AdminToken) is { } adminToken)
        {
            yield return new ValidationResult(adminToken, [nameof(AdminToken)]);
        }

        if (Database.MaxPoolSize < 1)
        {
            yield return new ValidationResult($"{DatabaseOptions.Section}:MaxPoolSize must be at least 1.", [nameof(Database)]);
        }

        // Nested objects are not validated by DataAnnotations on their own.
        var nested = new List<ValidationResult>();
        Validator.TryValidateObject(Orleans, new ValidationContext(Orleans), nested, validateAllProperties: true);
        Validator.TryValidateObject(Metrics, new ValidationContext(Metrics), nested, validateAllProperties: true);
        Validator.TryValidateObject(Cluster, new ValidationContext(Cluster), nested, validateAllProperties: true);
        Validator.TryValidateObject(Audit, new ValidationContext(Audit), nested, validateAllProperties: true);
        foreach (var failure in nested)
        {
            yield return failure;
        }
    }
}

/// <summary>The <c>Orleans</c> section: which cluster this process belongs to and where its silo listens.</summary>
public sealed class OrleansHostOptions : IValidatableObject
{
    public const string Section = "Orleans";

    public string ClusterId { get; set; } = "secretsstore";

    public string ServiceId { get; set; } = "secretsstore";

    /// <summary>Unset: loopback, or the pod's address under Kubernetes hosting.</summary>
    public string? AdvertisedIP { get; set; }

    /// <summary>Unset: 11111, except in a development run, which takes a free port (the same one again on later starts).</summary>
    [Range(1, 65535, ErrorMessage = "Orleans:SiloPort must be a port number (1-65535).")]
    public int? SiloPort { get; set; }

    public const int DefaultSiloPort = 11111;

    /// <summary>The silo port in force: as set (or as a development run chose it), else 11111.</summary>
    public int SiloPortInForce => SiloPort ?? DefaultSiloPort;

    /// <summary>
    /// Where Orleans clients (standalone gateways) connect; 0 opens no gateway listener. Unset: 30000 for a silo (a free
    /// port in a development run), and none for a combined process, whose API calls its grains in-process and so needs no port for clients.
    /// </summary>
    [Range(0, 65535, ErrorMessage = "Orleans:GatewayPort must be a port number (1-65535), or 0 for no gateway listener.")]
    public int? GatewayPort { get; set; }

    public const int DefaultGatewayPort = 30000;

    /// <summary>The gateway port in force for a role: as set, else 30000 for a silo and 0 (none) for a combined process.</summary>
    public int GatewayPortFor(HostRole role) => GatewayPort ?? (role == HostRole.Combined ? 0 : DefaultGatewayPort);

    public bool ListenOnAnyHostAddress { get; set; }

    /// <summary>
    /// Where the silo's ports listen: every address with <see cref="ListenOnAnyHostAddress"/> or under Kubernetes hosting
    /// without an advertised address; otherwise the advertised address (loopback unless set).
    /// </summary>
    public IPAddress ListeningAddress =>
        ListenOnAnyHostAddress || (Kubernetes.Enabled && string.IsNullOrEmpty(AdvertisedIP))
            ? IPAddress.Any
            : IPAddress.Parse(AdvertisedIP is { Length: > 0 } address ? address : "127.0.0.1");

    /// <summary>A gateway's: how often it re-reads the live silos from the membership table (Orleans' default: a minute).</summary>
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A gateway's: how long it waits for a grain call's answer before answering 503. An Orleans client, unlike a silo,
    /// never fails the calls it has pending on a silo that died: they wait for this timeout (Orleans' default: 30 s).
    /// Well above the slowest grain call (a whole-state write of a 100k store is about 2 s), and short enough that a
    /// request caught by a kill -9 gets its 503 well within the failover goal of 10 s. Orleans checks for expired calls
    /// about once a second: with 8 s here, the last one came 9.3 s after a kill.
    /// </summary>
    public TimeSpan GatewayResponseTimeout { get; set; } = TimeSpan.FromSeconds(6);

    public KubernetesHostOptions Kubernetes { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ClusterId) || string.IsNullOrWhiteSpace(ServiceId))
        {
            yield return new ValidationResult("Orleans:ClusterId and Orleans:ServiceId must not be empty.", [nameof(ClusterId), nameof(ServiceId)]);
        }

        if (!string.IsNullOrEmpty(AdvertisedIP) && !IPAddress.TryParse(AdvertisedIP, out _))
        {
            yield return new ValidationResult($"Orleans:AdvertisedIP '{AdvertisedIP}' is not an IP address.", [nameof(AdvertisedIP)]);
        }

        if (GatewayListRefreshPeriod <= TimeSpan.Zero || GatewayResponseTimeout <= TimeSpan.Zero)
        {
            yield return new ValidationResult(
                "Orleans:GatewayListRefreshPeriod and Orleans:GatewayResponseTimeout must be positive.",
                [nameof(GatewayListRefreshPeriod), nameof(GatewayResponseTimeout)]);
        }
    }
}

/// <summary><c>Orleans:Kubernetes</c>: Orleans' Kubernetes hosting, off unless set so that other runs are unchanged.</summary>
public sealed class KubernetesHostOptions
{
    public bool Enabled { get; set; }
}

/// <summary><c>SecretsStore:Metrics</c>: the Prometheus scrape endpoint at <c>/metrics</c>.</summary>
public sealed class MetricsHostOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Serve <c>/metrics</c> without the admin token.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>
    /// A scrape token: a bearer token (or Basic password) that opens <c>/metrics</c> and nothing else, so a monitoring
    /// system need not hold the admin token. The admin token opens <c>/metrics</c> too.
    /// </summary>
    [MinLength(32, ErrorMessage = "SecretsStore:Metrics:Token must be at least 32 characters (e.g. openssl rand -base64 32).")]
    public string? Token { get; set; }

    /// <summary>A port of its own for <c>/metrics</c>; unset serves it beside the API.</summary>
    [Range(1, 65535, ErrorMessage = "SecretsStore:Metrics:Port must be a port number (1-65535).")]
    public int? Port { get; set; }
}

/// <summary><c>SecretsStore:Tracing</c>: unset, traces are recorded only when there is an OTLP endpoint to send them to.</summary>
public sealed class TracingHostOptions
{
    public bool? Enabled { get; set; }
}
