using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace SecretsStore.Api.Idempotency;

/// <summary>
/// Seals a keyed write's answer for <c>idempotent_answers</c>. Its key is derived (HKDF-SHA256) from the
/// Idempotency-Key and the principal, which only the client and the request know: the database holds their hash, never
/// them, so a row read alone (a dump, a backup) opens no answer, and the token a token create answered with is no
/// plaintext anywhere at rest. The request's hash is bound in as associated data, so a sealed answer opens only for the
/// request it answered. As any secret derived from what a client sends, it is as strong as the key: the draft's advice,
/// a random UUID, gives it 122 bits.
/// </summary>
public static class AnswerSeal
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private static readonly byte[] Purpose = Encoding.UTF8.GetBytes("SecretsStore idempotent answer v1");

    public static byte[] Seal(string principalId, string key, byte[] requestHash, int status, ReadOnlySpan<byte> body)
    {
        var plain = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(plain, status);
        body.CopyTo(plain.AsSpan(4));
        var sealedAnswer = new byte[NonceBytes + TagBytes + plain.Length];
        var nonce = sealedAnswer.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(KeyOf(principalId, key), TagBytes))
        {
            aes.Encrypt(nonce, plain, sealedAnswer.AsSpan(NonceBytes + TagBytes), sealedAnswer.AsSpan(NonceBytes, TagBytes), requestHash);
        }

        CryptographicOperations.ZeroMemory(plain);
        return sealedAnswer;
    }

    /// <returns>The answer's status and body; null when the seal does not open with this key and request.</returns>
    public static (int Status, byte[] Body)? Open(string principalId, string key, byte[] requestHash, byte[] sealedAnswer)
    {
        if (sealedAnswer.Length < NonceBytes + TagBytes + 4)
        {
            return null;
        }

        var plain = new byte[sealedAnswer.Length - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(KeyOf(principalId, key), TagBytes);
            aes.Decrypt(sealedAnswer.AsSpan(0, NonceBytes), sealedAnswer.AsSpan(NonceBytes + TagBytes), sealedAnswer.AsSpan(NonceBytes, TagBytes), plain, requestHash);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }

        var body = plain.AsSpan(4).ToArray();
        var status = BinaryPrimitives.ReadInt32BigEndian(plain);
        CryptographicOperations.ZeroMemory(plain);
        return (status, body);
    }

    private static byte[] KeyOf(string principalId, string key) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(key), 32, Encoding.UTF8.GetBytes(principalId), Purpose);
}
