namespace SecretsStore.Grains.Abstractions;

/// <summary>An account's limits and usage.</summary>
[GenerateSerializer, Immutable, Alias("SecretsStore.QuotaView")]
public sealed record QuotaView(
    [property: Id(0)] int SecretsQuota,
    [property: Id(1)] int SecretsUsage,
    [property: Id(2)] int StoresQuota,
    [property: Id(3)] int StoresUsage);

/// <summary>Per-account overrides of the deployment's default limits; null keeps the default.</summary>
[GenerateSerializer, Immutable, Alias("SecretsStore.QuotaLimits")]
public sealed record QuotaLimits([property: Id(0)] int? Secrets, [property: Id(1)] int? Stores);
