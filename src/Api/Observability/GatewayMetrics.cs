using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SecretsStore.Api.Observability;

/// <summary>
/// The gateway's instruments on the service's meter (<see cref="MeterName"/>; every instrument is listed in
/// docs/observability.md): credentials refused and looked up, and quota refusals as they are answered. The silo
/// records what the stores commit on the same meter (the grains' <c>SecretsStoreMetrics</c>). Tags name a kind or an
/// outcome, never an id, token or credential, and each tag is made once here, so that recording allocates nothing.
/// </summary>
public sealed class GatewayMetrics
{
    /// <summary>The service's one meter, which the grains' instruments are on as well.</summary>
    public const string MeterName = "SecretsStore";

    private static readonly KeyValuePair<string, object?> MissingCredentials = new("kind", "missing_credentials");
    private static readonly KeyValuePair<string, object?> UnknownCredential = new("kind", "unknown_credential");
    private static readonly KeyValuePair<string, object?> WrongRoute = new("kind", "forbidden");
    private static readonly KeyValuePair<string, object?> TooManyFailures = new("kind", "too_many_failures");
    private static readonly KeyValuePair<string, object?> Found = new("outcome", "found");
    private static readonly KeyValuePair<string, object?> NotFound = new("outcome", "unknown");
    private static readonly KeyValuePair<string, object?> SecretsQuota = new("quota", "secrets");
    private static readonly KeyValuePair<string, object?> StoresQuota = new("quota", "stores");

    private readonly Counter<long> _authFailures;
    private readonly Counter<long> _quotaRefusals;
    private readonly Counter<long> _credentialLookups;

    public GatewayMetrics(IMeterFactory meters)
    {
        // The factory hands out one meter per name, so this is the very meter the grains' instruments are on.
        var meter = meters.Create(MeterName);
        _authFailures = meter.CreateCounter<long>(
            "secretsstore.auth.failures", "{request}",
            "Requests refused for their credential; kind is missing_credentials, unknown_credential, forbidden or too_many_failures.");
        _credentialLookups = meter.CreateCounter<long>(
            "secretsstore.credentials.lookups", "{lookup}", "Credentials looked up in the database, the caches having no answer; outcome is found or unknown.");
        _quotaRefusals = meter.CreateCounter<long>("secretsstore.quota.refusals", "{request}", "Requests refused by an account's quota; quota is secrets or stores.");
    }

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
}

public static class GatewayMetricsRegistration
{
    /// <summary>One <see cref="GatewayMetrics"/> per gateway.</summary>
    public static IServiceCollection AddGatewayMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<GatewayMetrics>();
        return services;
    }
}
