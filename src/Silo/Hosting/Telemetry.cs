using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SecretsStore.Api.Observability;
using SecretsStore.Grains.Telemetry;

namespace SecretsStore.Silo.Hosting;

/// <summary>
/// Metrics (ASP.NET Core's requests, Orleans and our own meter) for the scrape endpoint at <c>/metrics</c> and,
/// when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, for an OTLP collector. Traces only with that collector (or when
/// <c>SecretsStore:Tracing:Enabled</c> says so): with nothing to send them to they are pure cost, since every grain call
/// then makes activities and carries their context along, a fifth of the CPU a GET took. docs/observability.md lists
/// every metric and setting.
/// </summary>
public static class Telemetry
{
    public const string TracingEnabledKey = "SecretsStore:Tracing:Enabled";
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ServiceNameKey = "OTEL_SERVICE_NAME";
    public const string MetricsEnabledKey = "SecretsStore:Metrics:Enabled";
    public const string MetricsAllowAnonymousKey = "SecretsStore:Metrics:AllowAnonymous";
    public const string MetricsPortKey = "SecretsStore:Metrics:Port";
    public const string MetricsTokenKey = "SecretsStore:Metrics:Token";
    public const string MetricsPath = "/metrics";

    private const string ServiceName = "secretsstore";

    // ASP.NET Core's request duration carries the route and status; its routing and rate-limiting meters would add a
    // measurement to every request for little an operator needs. Npgsql's meter is left out: it names each pool by its
    // connection string (host, user, database), and the commit histogram already measures storage. The gateway's
    // instruments and the grains' are on one meter; both are named so that neither half can go missing.
    private static readonly string[] Meters =
    [
        GatewayMetrics.MeterName, SecretsStoreMetrics.MeterName, "Microsoft.Orleans", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Diagnostics",
    ];

    // Orleans' lifecycle source would add a span per start stage; the rest follow a request through the grains.
    private static readonly string[] Sources =
        ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", "Microsoft.Orleans.Storage", SecretsStoreActivities.SourceName];

    public static bool OtlpEnabled(SecretsStoreHostOptions options) => !string.IsNullOrWhiteSpace(options.OtlpEndpoint);

    public static bool TracingEnabled(SecretsStoreHostOptions options) => options.Tracing.Enabled ?? OtlpEnabled(options);

    /// <summary>A port of its own for <c>/metrics</c>, which then answers nothing else; null serves it beside the API.</summary>
    public static int? MetricsPort(SecretsStoreHostOptions options) => options.Metrics.Enabled ? options.Metrics.Port : null;

    /// <summary>The URLs to listen on: the API's, and the metrics port on the first one's host when one is set.</summary>
    public static string WithMetricsUrl(string urls, SecretsStoreHostOptions options)
    {
        if (MetricsPort(options) is not { } port)
        {
            return urls;
        }

        var first = BindingAddress.Parse(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0]);
        return $"{urls};http://{first.Host}:{port}";
    }

    /// <summary>With a metrics port, that port answers <c>/metrics</c> and 404 to everything else.</summary>
    public static WebApplication UseSecretsStoreMetricsPort(this WebApplication app)
    {
        if (MetricsPort(HostOptions(app)) is { } port)
        {
            app.Use((context, next) =>
            {
                if (context.Connection.LocalPort == port && !context.Request.Path.StartsWithSegments(MetricsPath))
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }

                return next(context);
            });
        }

        return app;
    }

    public static IServiceCollection AddSecretsStoreTelemetry(this IServiceCollection services, SecretsStoreHostOptions options)
    {
        var otlp = OtlpEnabled(options);
        var scrape = options.Metrics.Enabled;
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(options.OtelServiceName ?? ServiceName));
        if (otlp || scrape)
        {
            telemetry.WithMetrics(metrics =>
            {
                metrics.AddMeter(Meters);
                if (scrape)
                {
                    metrics.AddPrometheusExporter();
                }

                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        }

        if (TracingEnabled(options))
        {
            telemetry.WithTracing(tracing =>
            {
                tracing.AddAspNetCoreInstrumentation(o => o.Filter = context => !IsHousekeeping(context.Request.Path))
                    .AddSource(Sources)
                    .AddNpgsql();
                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }
            });
        }

        return services;
    }

    /// <summary>Carries the caller's trace context into grain calls, when tracing is on.</summary>
    public static ISiloBuilder AddSecretsStoreActivityPropagation(this ISiloBuilder silo, SecretsStoreHostOptions options) =>
        TracingEnabled(options) ? silo.AddActivityPropagation() : silo;

    /// <summary>
    /// The Prometheus scrape endpoint, for the operator or the scrape token (<see cref="OperatorGate.ForMetrics"/>)
    /// unless <c>SecretsStore:Metrics:AllowAnonymous</c> opens it. With a port of its own, it answers only on that
    /// port: the port the connection came in on decides, not the Host header, which the client writes. Scrapes are
    /// neither counted as requests nor rate-limited (like the probes), so a scrape token is never looked up as an
    /// API credential.
    /// </summary>
    public static WebApplication MapSecretsStoreMetrics(this WebApplication app)
    {
        var options = HostOptions(app);
        if (!options.Metrics.Enabled)
        {
            return app;
        }

        var anonymous = options.Metrics.AllowAnonymous;
        var port = MetricsPort(options);
        var gate = OperatorGate.ForMetrics(app.Services);
        app.MapPrometheusScrapingEndpoint(MetricsPath, meterProvider: null, optionsName: null, configureBranchedPipeline: branch =>
            {
                if (port is { } only)
                {
                    branch.Use((context, next) =>
                    {
                        if (context.Connection.LocalPort == only)
                        {
                            return next(context);
                        }

                        // As for any unknown route on this port: the status code pages answer it.
                        context.Response.StatusCode = StatusCodes.Status404NotFound;
                        return Task.CompletedTask;
                    });
                }

                if (!anonymous)
                {
                    gate.Guard(branch, "SecretsStore metrics");
                }
            })
            .DisableHttpMetrics()
            .DisableRateLimiting()
            .ExcludeFromDescription();
        return app;
    }

    private static SecretsStoreHostOptions HostOptions(WebApplication app) =>
        app.Services.GetRequiredService<IOptions<SecretsStoreHostOptions>>().Value;

    // By path, not by the probes' endpoint metadata (as the rate limiter does): the tracing filter runs as the request
    // starts, before routing has chosen an endpoint, and the metrics and dashboard paths are not our endpoints.
    private static bool IsHousekeeping(PathString path) =>
        path.StartsWithSegments(MetricsPath) || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz")
        || path.StartsWithSegments(DashboardAccess.Path);
}
