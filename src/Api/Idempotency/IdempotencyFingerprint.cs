using System.Security.Cryptography;
using System.Text;

namespace SecretsStore.Api.Idempotency;

/// <summary>
/// The hashes a keyed write is known by (<see cref="IdempotentRequest"/>). Fields are separated by a NUL, which neither
/// a principal id, a printable key, a method nor a path holds, so no two different inputs join to the same text.
/// </summary>
public static class IdempotencyFingerprint
{
    private static readonly byte[] RequestPurpose = Encoding.UTF8.GetBytes("SecretsStore idempotent request v1");

    /// <summary>The key as the principal's own: the same key from another principal is another key.</summary>
    public static byte[] KeyHash(string principalId, string key) => SHA256.HashData(Encoding.UTF8.GetBytes($"{principalId}\0{key}"));

    /// <summary>
    /// The request: its method, its path with its query (<c>?force=true</c> changes a delete) and its body as sent. An
    /// HMAC under a key derived from the Idempotency-Key, not a plain hash: the body may hold a secret's value, and a
    /// plain hash of it in the trail would let whoever reads the database test guesses of that value.
    /// </summary>
    public static byte[] RequestHash(string principalId, string key, string method, string pathAndQuery, ReadOnlySpan<byte> body)
    {
        var macKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(key), 32, Encoding.UTF8.GetBytes(principalId), RequestPurpose);
        using var mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, macKey);
        mac.AppendData(Encoding.UTF8.GetBytes($"{method.ToUpperInvariant()}\0{pathAndQuery}\0"));
        mac.AppendData(body);
        return mac.GetHashAndReset();
    }
}
