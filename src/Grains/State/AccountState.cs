using SecretsStore.Grains.Abstractions;

namespace SecretsStore.Grains.State;

/// <summary>An account as persisted: its stores and its own limits. Secret counts are not kept here on purpose.</summary>
[GenerateSerializer, Alias("SecretsStore.AccountState")]
public sealed class AccountState
{
    [Id(0)] public Dictionary<Guid, StoreView> Stores { get; set; } = [];
    [Id(1)] public int? SecretsLimit { get; set; }
    [Id(2)] public int? StoresLimit { get; set; }

    /// <summary>The account's numeric id as services know it, kept from the first service-made store.</summary>
    [Id(3)] public long? ExternalAccountId { get; set; }
}
