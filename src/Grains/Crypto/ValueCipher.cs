using System.Security.Cryptography;
using System.Text;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.Grains.Crypto;

/// <summary>
/// AES-256-GCM envelope encryption. Values are sealed under their store's data key, data keys under a master
/// key. The associated data binds each ciphertext to account, store (and secret), so a ciphertext copied to
/// another row fails to decrypt instead of revealing its value there.
/// </summary>
public sealed class ValueCipher(MasterKeyRing masterKeys)
{
    private const byte FormatVersion = 1;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private const int HeaderBytes = 1 + NonceBytes + TagBytes;

    /// <summary>A new data key for a store, wrapped under the master key <paramref name="masterKeyId"/>.</summary>
    public (byte[] DataKey, WrappedKey Wrapped) NewDataKey(string masterKeyId, Guid accountId, Guid storeId)
    {
        var dataKey = RandomNumberGenerator.GetBytes(MasterKeyRing.KeyBytes);
        return (dataKey, Wrap(dataKey, masterKeyId, accountId, storeId));
    }

    public WrappedKey Wrap(byte[] dataKey, string masterKeyId, Guid accountId, Guid storeId) =>
        new(masterKeyId, Seal(masterKeys.Get(masterKeyId), dataKey, DataKeyContext(accountId, storeId)));

    /// <summary>
    /// The same data key wrapped under another master key: the store's ciphertexts stay as they are, and the plain
    /// data key lives only for the length of this call.
    /// </summary>
    public WrappedKey Rewrap(WrappedKey wrapped, string masterKeyId, Guid accountId, Guid storeId)
    {
        var dataKey = Unwrap(wrapped, accountId, storeId);
        try
        {
            return Wrap(dataKey, masterKeyId, accountId, storeId);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    public byte[] Unwrap(WrappedKey wrapped, Guid accountId, Guid storeId) =>
        Open(masterKeys.Get(wrapped.MasterKeyId), wrapped.Blob, DataKeyContext(accountId, storeId));

    /// <remarks>The value's UTF-8 bytes are zeroed once sealed; only the caller's string still holds it.</remarks>
    public byte[] Encrypt(byte[] dataKey, Guid accountId, Guid storeId, Guid secretId, string plaintext)
    {
        var bytes = Encoding.UTF8.GetBytes(plaintext);
        try
        {
            return Seal(dataKey, bytes, ValueContext(accountId, storeId, secretId));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <remarks>The opened bytes are zeroed once decoded; only the string answered holds the value.</remarks>
    public string Decrypt(byte[] dataKey, Guid accountId, Guid storeId, Guid secretId, byte[] sealedValue)
    {
        var bytes = Open(dataKey, sealedValue, ValueContext(accountId, storeId, secretId));
        try
        {
            return Encoding.UTF8.GetString(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static byte[] DataKeyContext(Guid accountId, Guid storeId) =>
        Encoding.ASCII.GetBytes($"secretsstore/data-key/v1|{accountId:N}|{storeId:N}");

    private static byte[] ValueContext(Guid accountId, Guid storeId, Guid secretId) =>
        Encoding.ASCII.GetBytes($"secretsstore/value/v1|{accountId:N}|{storeId:N}|{secretId:N}");

    /// <summary>Layout: version (1) | nonce (12) | tag (16) | ciphertext.</summary>
    private static byte[] Seal(byte[] key, byte[] plaintext, byte[] associatedData)
    {
        var output = new byte[HeaderBytes + plaintext.Length];
        output[0] = FormatVersion;
        var nonce = output.AsSpan(1, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(nonce, plaintext, output.AsSpan(HeaderBytes), output.AsSpan(1 + NonceBytes, TagBytes), associatedData);
        return output;
    }

    private static byte[] Open(byte[] key, byte[] sealedBytes, byte[] associatedData)
    {
        if (sealedBytes.Length < HeaderBytes || sealedBytes[0] != FormatVersion)
        {
            throw new CryptographicException("Unrecognised ciphertext format.");
        }

        var plaintext = new byte[sealedBytes.Length - HeaderBytes];
        using var aes = new AesGcm(key, TagBytes);
        aes.Decrypt(
            sealedBytes.AsSpan(1, NonceBytes),
            sealedBytes.AsSpan(HeaderBytes),
            sealedBytes.AsSpan(1 + NonceBytes, TagBytes),
            plaintext,
            associatedData);
        return plaintext;
    }
}
