namespace SecretsStore.Grains.Abstractions;

/// <summary>An account's limits and usage.</summary>
/// <param name="SecretsOverride">The account's own secret limit; null when the deployment's default applies.</param>
/// <param name="StoresOverride">The account's own store limit; null when the deployment's default applies.</param>
[GenerateSerializer, Immutable, Alias("SecretsStore.QuotaView")]
public sealed record QuotaView(
    [property: Id(0)] int SecretsQuota,
    [property: Id(1)] int SecretsUsage,
    [property: Id(2)] int StoresQuota,
    [property: Id(3)] int StoresUsage,
    [property: Id(4)] int? SecretsOverride = null,
    [property: Id(5)] int? StoresOverride = null);

/// <summary>Per-account overrides of the deployment's default limits; null keeps the default.</summary>
[GenerateSerializer, Immutable, Alias("SecretsStore.QuotaLimits")]
public sealed record QuotaLimits([property: Id(0)] int? Secrets, [property: Id(1)] int? Stores);

/// <summary>
/// A change of an account's own limits. Only the limits it sets change; setting one to null restores the deployment's
/// default for it.
/// </summary>
[GenerateSerializer, Immutable, Alias("SecretsStore.QuotaChange")]
public sealed record QuotaChange(
    [property: Id(0)] bool SetsSecrets,
    [property: Id(1)] int? Secrets,
    [property: Id(2)] bool SetsStores,
    [property: Id(3)] int? Stores)
{
    /// <summary>Both limits, as given (a PUT).</summary>
    public static QuotaChange Replacing(QuotaLimits limits) => new(true, limits.Secrets, true, limits.Stores);
}
