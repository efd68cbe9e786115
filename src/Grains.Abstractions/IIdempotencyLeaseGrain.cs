namespace SecretsStore.Grains.Abstractions;

/// <summary>
/// Which <c>Idempotency-Key</c>s have a write running, across every gateway and silo: a key is held by one request at a
/// time, and a repeat that arrives meanwhile is refused (409 <c>idempotency_key_in_use</c>). One grain per bucket of
/// key hashes (the hash's first byte), so a keyed write costs no grain activation of its own; Orleans keeps one
/// activation of each bucket in the cluster.
/// </summary>
public interface IIdempotencyLeaseGrain : IGrainWithIntegerKey
{
    /// <summary>The grain of the bucket a key hash falls in.</summary>
    public static long BucketOf(byte[] keyHash) => keyHash[0];

    /// <summary>Holds <paramref name="key"/> for at most <paramref name="lease"/>; the holder's id, or null while another holds it.</summary>
    Task<Guid?> TryTakeAsync(string key, TimeSpan lease);

    /// <summary>Frees <paramref name="key"/> if <paramref name="holder"/> still holds it.</summary>
    Task ReleaseAsync(string key, Guid holder);
}
