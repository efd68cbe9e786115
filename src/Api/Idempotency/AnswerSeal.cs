using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace SecretsStore.Api.Idempotency;

/// <summary>
/// Seals a keyed write's answer for <c>idempotent_answers</c> (<see cref="AnswerCipher"/>). Its key is derived
/// (HKDF-SHA256) from the Idempotency-Key and the principal, which only the client and the request know: the database
/// holds their hash, never them, so a row read alone (a dump, a backup) opens no answer, and the token a token create
/// answered with is no plaintext anywhere at rest. As any secret derived from what a client sends, it is as strong as
/// the key: the draft's advice, a random UUID, gives it 122 bits. A store's secret writes are sealed by the store's
/// grain under the same derived key (<see cref="KeyOf"/>), which the gateway passes with the call.
/// </summary>
public static class AnswerSeal
{
    private static readonly byte[] Purpose = Encoding.UTF8.GetBytes("SecretsStore idempotent answer v1");

    public static byte[] Seal(string principalId, string key, byte[] requestHash, int status, ReadOnlySpan<byte> body)
    {
        var plain = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(plain, status);
        body.CopyTo(plain.AsSpan(4));
        var answerKey = KeyOf(principalId, key);
        var sealedAnswer = AnswerCipher.Seal(answerKey, requestHash, plain);
        CryptographicOperations.ZeroMemory(plain);
        CryptographicOperations.ZeroMemory(answerKey);
        return sealedAnswer;
    }

    /// <returns>The answer's status and body; null when the seal does not open with this key and request.</returns>
    public static (int Status, byte[] Body)? Open(string principalId, string key, byte[] requestHash, byte[] sealedAnswer)
    {
        var answerKey = KeyOf(principalId, key);
        var plain = AnswerCipher.Open(answerKey, requestHash, sealedAnswer);
        CryptographicOperations.ZeroMemory(answerKey);
        if (plain is null || plain.Length < 4)
        {
            return null;
        }

        var body = plain.AsSpan(4).ToArray();
        var status = BinaryPrimitives.ReadInt32BigEndian(plain);
        CryptographicOperations.ZeroMemory(plain);
        return (status, body);
    }

    /// <summary>The key that seals the answers of this principal's <paramref name="key"/>.</summary>
    public static byte[] KeyOf(string principalId, string key) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(key), AnswerCipher.KeyBytes, Encoding.UTF8.GetBytes(principalId), Purpose);
}
