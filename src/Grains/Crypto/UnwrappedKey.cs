using System.Security.Cryptography;

namespace SecretsStore.Grains.Crypto;

/// <summary>
/// One plaintext data key: unwrapped on first use, kept while its store's grain lives, and zeroed when disposed (the
/// grain deactivates or its store is deleted), so a memory dump taken later finds no key of a store no longer served.
/// </summary>
/// <remarks>
/// Every use and the disposal take one lock: the key is never zeroed while a seal or an open on another thread (the
/// commit writer's) is using it, and a use after disposal throws instead of encrypting under zeros.
/// </remarks>
public sealed class UnwrappedKey(Func<byte[]> unwrap) : IDisposable
{
    private readonly Lock _gate = new();
    private byte[]? _key;
    private bool _disposed;

    public T Use<T>(Func<byte[], T> use)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return use(_key ??= unwrap());
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_key is not null)
            {
                CryptographicOperations.ZeroMemory(_key);
                _key = null;
            }

            _disposed = true;
        }
    }
}
