using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SecretsStore.Grains.Abstractions.Telemetry;

/// <summary>
/// The service's own instruments (meter <see cref="MeterName"/>; every one is listed in docs/observability.md).
/// Tags name a kind or an outcome, never an id, value, token or credential, and each tag is made once here, so that
/// recording allocates nothing and costs next to nothing while no one listens.
/// </summary>
public sealed class SecretsStoreMetrics
{
    public const string MeterName = "SecretsStore";

    private static readonly KeyValuePair<string, object?> MissingCredentials = new("kind", "missing_credentials");
    private static readonly KeyValuePair<string, object?> UnknownCredential = new("kind", "unknown_credential");
    private static readonly KeyValuePair<string, object?> WrongRoute = new("kind", "forbidden");
    private static readonly KeyValuePair<string, object?> TooManyFailures = new("kind", "too_many_failures");
    private static readonly KeyValuePair<string, object?> Found = new("outcome", "found");
    private static readonly KeyValuePair<string, object?> NotFound = new("outcome", "unknown");
    private static readonly KeyValuePair<string, object?> SecretsQuota = new("quota", "secrets");
    private static readonly KeyValuePair<string, object?> StoresQuota = new("quota", "stores");
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
    private readonly Counter<long> _authFailures;
    private readonly Counter<long> _quotaRefusals;
    private readonly Counter<long> _credentialLookups;
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
        _authFailures = meter.CreateCounter<long>(
            "secretsstore.auth.failures", "{request}",
            "Requests refused for their credential; kind is missing_credentials, unknown_credential, forbidden or too_many_failures.");
        _credentialLookups = meter.CreateCounter<long>(
            "secretsstore.credentials.lookups", "{lookup}", "Credentials looked up in the database, the caches having no answer; outcome is found or unknown.");
        _quotaRefusals = meter.CreateCounter<long>("secretsstore.quota.refusals", "{request}", "Requests refused by an account's quota; quota is secrets or stores.");
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

    /// <summary>Counts an answer by its wire code (docs/api.md, "Errors"), when the code is a credential or quota refusal.</summary>
    public void Refusal(int status, int code, string message)
    {
        switch ((status, code))
        {
            case (400, 9106):
                _authFailures.Add(1, MissingCredentials);
                break;
            case (401, 10000):
                _authFailures.Add(1, UnknownCredential);
                break;
            case (403, 9109):
                _authFailures.Add(1, WrongRoute);
                break;
            case (400, 1003):
                _quotaRefusals.Add(1, message.StartsWith("maximum_stores", StringComparison.Ordinal) ? StoresQuota : SecretsQuota);
                break;
        }
    }

    /// <summary>A credential looked up in the database (neither credential cache knew it).</summary>
    public void CredentialLookedUp(bool found) => _credentialLookups.Add(1, found ? Found : NotFound);

    /// <summary>A request refused (429) because its client address failed to authenticate too often.</summary>
    public void FailedAuthenticationsThrottled() => _authFailures.Add(1, TooManyFailures);

    /// <param name="committed">True when durable, false when nothing was written, null when the outcome is unknown.</param>
    public void Commit(TimeSpan took, int requests, bool? committed)
    {
        _commitDuration.Record(took.TotalSeconds, committed switch { true => Committed, false => NotCommitted, null => Unknown });
        _commitSize.Record(requests);
    }
}

public static class SecretsStoreMetricsRegistration
{
    /// <summary>One <see cref="SecretsStoreMetrics"/> per host, for the grains and the gateway alike.</summary>
    public static IServiceCollection AddSecretsStoreMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<SecretsStoreMetrics>();
        return services;
    }
}
