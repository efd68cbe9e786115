using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace SecretsStore.Silo.Hosting;

/// <summary>
/// Orleans' metrics, always; its traces only when <c>SecretsStore:Tracing:Enabled</c> is true. With nothing to
/// export them to, traces are pure cost: every grain call made activities and carried their context along, a fifth
/// of the CPU a GET took. Whoever configures an exporter switches tracing on with it.
/// </summary>
public static class Telemetry
{
    public const string TracingEnabledKey = "SecretsStore:Tracing:Enabled";

    public static bool TracingEnabled(IConfiguration configuration) => configuration.GetValue(TracingEnabledKey, false);

    public static IServiceCollection AddSecretsStoreTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var telemetry = services.AddOpenTelemetry().WithMetrics(m => m.AddMeter("Microsoft.Orleans"));
        if (TracingEnabled(configuration))
        {
            telemetry.WithTracing(t => t.AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", "Microsoft.Orleans.Storage"));
        }

        return services;
    }

    /// <summary>Carries the caller's trace context into grain calls, when tracing is on.</summary>
    public static ISiloBuilder AddSecretsStoreActivityPropagation(this ISiloBuilder silo, IConfiguration configuration) =>
        TracingEnabled(configuration) ? silo.AddActivityPropagation() : silo;
}
