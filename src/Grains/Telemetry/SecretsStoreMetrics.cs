using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SecretsStore.Grains.Telemetry;

/// <summary>
/// The silo's instruments on the service's meter (<see cref="MeterName"/>; every instrument is listed in
/// docs/observability.md): what the stores commit. The gateway records its own (credentials, quota refusals) on the
/// same meter. Tags name a kind or an outcome, never an id, value, token or credential, and each tag is made once
/// here, so that recording allocates nothing and costs next to nothing while no one listens.
/// </summary>
public sealed class SecretsStoreMetrics
{
    /// <summary>The service's one meter; the gateway's <c>GatewayMetrics</c> creates its instruments on it too.</summary>
    public const string MeterName = "SecretsStore";

    private static readonly KeyValuePair<string, object?> Allowed = new("outcome", "allowed");
    private static readonly KeyValuePair<string, object?> Refused = new("outcome", "refused");
    private static readonly KeyValuePair<string, object?> Committed = new("outcome", "committed");
    private static readonly KeyValuePair<string, object?> NotCommitted = new("outcome", "not_committed");
    private static readonly KeyValuePair<string, object?> Unknown = new("outcome", "unknown");

    private readonly Counter<long> _created;
    private readonly Counter<long> _patched;
    private readonly Counter<long> _deleted;
    private readonly Counter<long> _duplicated;
    private readonly Counter<long> _valueReads;
    private readonly Histogram<double> _commitDuration;
    private readonly Histogram<int> _commitSize;

    public SecretsStoreMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _created = meter.CreateCounter<long>("secretsstore.secrets.created", "{secret}", "Secrets created, counted once their commit is durable.");
        _patched = meter.CreateCounter<long>("secretsstore.secrets.patched", "{secret}", "Secrets patched.");
        _deleted = meter.CreateCounter<long>("secretsstore.secrets.deleted", "{secret}", "Secrets deleted, one by one, in bulk or with their store.");
        _duplicated = meter.CreateCounter<long>("secretsstore.secrets.duplicated", "{secret}", "Copies made by the duplicate route.");
        _valueReads = meter.CreateCounter<long>("secretsstore.secret_values.read", "{read}", "Reads of the value route; outcome is allowed or refused.");
        _commitDuration = meter.CreateHistogram(
            "secretsstore.storage.commit.duration", "s", "How long one group commit took, from taking its batches to knowing the outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _commitSize = meter.CreateHistogram(
            "secretsstore.storage.commit.batch_size", "{request}", "Requests one group commit carried, across all its stores.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] });
    }

    public void SecretsCreated(int count) => _created.Add(count);

    public void SecretsPatched(int count) => _patched.Add(count);

    public void SecretsDeleted(int count) => _deleted.Add(count);

    public void SecretsDuplicated(int count) => _duplicated.Add(count);

    public void ValueRead(bool allowed) => _valueReads.Add(1, allowed ? Allowed : Refused);

    /// <param name="committed">True when durable, false when nothing was written, null when the outcome is unknown.</param>
    public void Commit(TimeSpan took, int requests, bool? committed)
    {
        _commitDuration.Record(took.TotalSeconds, committed switch { true => Committed, false => NotCommitted, null => Unknown });
        _commitSize.Record(requests);
    }
}

public static class SecretsStoreMetricsRegistration
{
    /// <summary>One <see cref="SecretsStoreMetrics"/> per silo.</summary>
    public static IServiceCollection AddSecretsStoreMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<SecretsStoreMetrics>();
        return services;
    }
}
