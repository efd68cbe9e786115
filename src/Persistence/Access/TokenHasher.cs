using System.Security.Cryptography;
using System.Text;

namespace SecretsStore.Persistence.Access;

/// <summary>
/// Tokens are ≥256 random bits, so a plain SHA-256 is a safe stored form (there is nothing to brute-force) and
/// lets a token be found by an index lookup on its hash.
/// </summary>
public static class TokenHasher
{
    public static byte[] Hash(string token) => Hash(token.AsSpan());

    /// <summary>Encodes on the stack when the token is of a usual size: this runs for every request.</summary>
    public static byte[] Hash(ReadOnlySpan<char> token)
    {
        const int OnStack = 256;
        var length = Encoding.UTF8.GetMaxByteCount(token.Length);
        Span<byte> utf8 = length <= OnStack ? stackalloc byte[OnStack] : new byte[length];
        return SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(token, utf8)]);
    }

    /// <summary>A new token: 32 random bytes, base64url, so it is safe in headers and shells.</summary>
    public static string NewToken() => Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public static bool FixedTimeEquals(byte[] a, byte[] b) => CryptographicOperations.FixedTimeEquals(a, b);

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
