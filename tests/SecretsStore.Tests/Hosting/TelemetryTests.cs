using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using SecretsStore.Silo.Hosting;

namespace SecretsStore.Tests.Hosting;

/// <summary>Traces are recorded only when asked for (there is no exporter yet); metrics always are.</summary>
public sealed class TelemetryTests
{
    private static ServiceProvider Build(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        return new ServiceCollection().AddSecretsStoreTelemetry(configuration).BuildServiceProvider();
    }

    [Fact]
    public void TracingIsOffUnlessSwitchedOn()
    {
        using var services = Build();
        Assert.Null(services.GetService<TracerProvider>());
        Assert.NotNull(services.GetService<MeterProvider>());
    }

    [Fact]
    public void TheSettingSwitchesTracingOn()
    {
        using var services = Build((Telemetry.TracingEnabledKey, "true"));
        Assert.NotNull(services.GetService<TracerProvider>());
    }
}
