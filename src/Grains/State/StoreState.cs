using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Crypto;

namespace SecretsStore.Grains.State;

/// <summary>A store as persisted: its metadata, its wrapped data key and its secrets (values sealed).</summary>
[GenerateSerializer, Alias("SecretsStore.StoreState")]
public sealed class StoreState
{
    [Id(0)] public StoreLifecycle Lifecycle { get; set; }
    [Id(1)] public Guid AccountId { get; set; }
    [Id(2)] public string Name { get; set; } = "";
    [Id(3)] public DateTime Created { get; set; }
    [Id(4)] public DateTime Modified { get; set; }
    [Id(5)] public string? ManagedBy { get; set; }
    [Id(6)] public WrappedKey? DataKey { get; set; }
    [Id(7)] public Dictionary<Guid, SecretRecord> Secrets { get; set; } = [];
}

/// <summary>One secret as persisted. <see cref="SealedValue"/> is AES-GCM ciphertext; the plaintext is never stored.</summary>
[GenerateSerializer, Immutable, Alias("SecretsStore.SecretRecord")]
public sealed record SecretRecord(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Name,
    [property: Id(2)] DateTime Created,
    [property: Id(3)] DateTime Modified,
    [property: Id(4)] string? Comment,
    [property: Id(5)] string[] Scopes,
    [property: Id(6)] byte[] SealedValue);
