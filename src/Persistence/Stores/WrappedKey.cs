namespace SecretsStore.Persistence.Stores;

/// <summary>A store's data key as its row holds it: wrapped by the master key <see cref="MasterKeyId"/>.</summary>
/// <remarks>It travels between the row and the cipher inside one silo, never in a grain call, so it needs no serializer.</remarks>
public sealed record WrappedKey(string MasterKeyId, byte[] Blob);
