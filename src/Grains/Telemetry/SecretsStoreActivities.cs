using System.Diagnostics;

namespace SecretsStore.Grains.Telemetry;

/// <summary>
/// The service's own spans (source <see cref="SourceName"/>). <see cref="ActivitySource.StartActivity(string, ActivityKind)"/>
/// answers null while no tracer listens, so a span costs nothing unless tracing is on.
/// </summary>
public static class SecretsStoreActivities
{
    public const string SourceName = "SecretsStore";

    public static readonly ActivitySource Source = new(SourceName);
}
