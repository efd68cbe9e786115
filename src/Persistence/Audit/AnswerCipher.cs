using System.Security.Cryptography;

namespace SecretsStore.Persistence.Audit;

/// <summary>
/// The sealing of a row of <c>idempotent_answers</c>: AES-256-GCM under a key derived from the Idempotency-Key and the
/// principal, which no row holds, with the request's hash as associated data, so a sealed answer opens only for the
/// request it answered. The gateway seals what it rendered; a store's grain seals its typed outcome, under the key the
/// gateway derived and passed with the call (it never sees the Idempotency-Key itself).
/// </summary>
public static class AnswerCipher
{
    public const int KeyBytes = 32;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    /// <returns>Nonce, tag, then the sealed text.</returns>
    public static byte[] Seal(byte[] key, byte[] requestHash, ReadOnlySpan<byte> plain)
    {
        var sealedAnswer = new byte[NonceBytes + TagBytes + plain.Length];
        var nonce = sealedAnswer.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(nonce, plain, sealedAnswer.AsSpan(NonceBytes + TagBytes), sealedAnswer.AsSpan(NonceBytes, TagBytes), requestHash);
        return sealedAnswer;
    }

    /// <returns>The plain text; null when the seal does not open with this key and request.</returns>
    public static byte[]? Open(byte[] key, byte[] requestHash, byte[] sealedAnswer)
    {
        if (sealedAnswer.Length < NonceBytes + TagBytes)
        {
            return null;
        }

        var plain = new byte[sealedAnswer.Length - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(key, TagBytes);
            aes.Decrypt(sealedAnswer.AsSpan(0, NonceBytes), sealedAnswer.AsSpan(NonceBytes + TagBytes), sealedAnswer.AsSpan(NonceBytes, TagBytes), plain, requestHash);
            return plain;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}
