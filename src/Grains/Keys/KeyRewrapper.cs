using System.Security.Cryptography;
using SecretsStore.Grains.Crypto;
using SecretsStore.Persistence.Keys;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.Grains.Keys;

/// <summary>
/// Re-wraps data keys for a <see cref="RewrapSession"/>: of the retiring master keys, only those this silo holds,
/// and each data key unwrapped with its old master key and wrapped under the current one.
/// </summary>
public sealed class KeyRewrapper(ValueCipher cipher, MasterKeyRing ring)
{
    /// <summary>Re-wraps up to <paramref name="size"/> stores, skipping <paramref name="skip"/> (stores whose key did not open before).</summary>
    public Task<RewrapBatch> RewrapBatchAsync(RewrapSession session, int size, IReadOnlyCollection<Guid> skip, CancellationToken ct) =>
        session.RewrapBatchAsync(size, skip, ring.Has, Rewrap, ct);

    // A data key that does not open stays wrapped as it is; the batch reports its store.
    private byte[]? Rewrap(WrappedDataKey old, string current)
    {
        try
        {
            return cipher.Rewrap(new WrappedKey(old.MasterKeyId, old.Blob), current, old.AccountId, old.StoreId).Blob;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
