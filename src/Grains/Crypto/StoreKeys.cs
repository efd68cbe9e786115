using SecretsStore.Grains.Abstractions;
using SecretsStore.Persistence.Keys;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.Grains.Crypto;

/// <summary>
/// Seals and opens the values of one store under its data key, unwrapped once on first use. Safe to use from the
/// commit writer's thread as well as the grain's: the key never changes while the store lives. Disposing zeroes the
/// key; the store's snapshot does so when its grain deactivates.
/// </summary>
public sealed class StoreKeys(ValueCipher cipher, Guid accountId, Guid storeId, WrappedKey? wrapped) : IDisposable
{
    private readonly UnwrappedKey _dataKey = new(() =>
        cipher.Unwrap(wrapped ?? throw new InvalidOperationException("The store has no data key."), accountId, storeId));

    public byte[] Seal(Guid secretId, SecretValue value) =>
        _dataKey.Use(key => cipher.Encrypt(key, accountId, storeId, secretId, value.Reveal()));

    public string Open(SecretRecord secret) =>
        _dataKey.Use(key => cipher.Decrypt(key, accountId, storeId, secret.Id, secret.SealedValue));

    public void Dispose() => _dataKey.Dispose();

    /// <summary>A new store's data key, wrapped under <paramref name="masterKeyId"/>, as its row will hold it.</summary>
    public static WrappedDataKey NewWrapped(ValueCipher cipher, string masterKeyId, Guid accountId, Guid storeId)
    {
        var (plain, wrapped) = cipher.NewDataKey(masterKeyId, accountId, storeId);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(plain); // the store's grain unwraps its own copy
        return new WrappedDataKey(storeId, accountId, wrapped.MasterKeyId, wrapped.Blob);
    }
}
