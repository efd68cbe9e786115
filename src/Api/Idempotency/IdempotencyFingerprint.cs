using System.Security.Cryptography;
using System.Text;

namespace SecretsStore.Api.Idempotency;

/// <summary>
/// The hashes a keyed write is known by (<see cref="IdempotentRequest"/>). Fields are separated by a NUL, which neither
/// a principal id, a printable key, a method nor a path holds, so no two different inputs join to the same text.
/// </summary>
public static class IdempotencyFingerprint
{
    /// <summary>The key as the principal's own: the same key from another principal is another key.</summary>
    public static byte[] KeyHash(string principalId, string key) => Hash(principalId, key);

    /// <summary>The request without its body: the method and the path with its query (<c>?force=true</c> changes a delete).</summary>
    public static byte[] RequestHash(string method, string pathAndQuery) => Hash(method.ToUpperInvariant(), pathAndQuery);

    /// <summary>The request with its body: the hash of the request without it, followed by the body's bytes as sent.</summary>
    public static byte[] WithBody(byte[] requestHash, ReadOnlySpan<byte> body)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(requestHash);
        hash.AppendData(body);
        return hash.GetHashAndReset();
    }

    private static byte[] Hash(string first, string second) =>
        SHA256.HashData(Encoding.UTF8.GetBytes($"{first}\0{second}"));
}
