using System.Security.Cryptography;

namespace SecretsStore.Grains.Crypto;

/// <summary>
/// The configured master keys, newest last. Each is known by a fingerprint of itself, so wrapped data keys
/// find their master key without an id having to be configured next to it.
/// </summary>
public sealed class MasterKeyRing
{
    public const int KeyBytes = 32;

    private readonly Dictionary<string, byte[]> _byId = new(StringComparer.Ordinal);

    public MasterKeyRing(IEnumerable<byte[]> keys)
    {
        foreach (var key in keys)
        {
            if (key.Length != KeyBytes)
            {
                throw new ArgumentException($"A master key must be {KeyBytes} bytes (base64 of 32 random bytes).");
            }

            NewestId = Fingerprint(key);
            _byId[NewestId] = key;
        }

        if (_byId.Count == 0)
        {
            throw new ArgumentException("At least one master key is required.");
        }
    }

    /// <summary>The key new writes use.</summary>
    public string NewestId { get; } = "";

    public byte[] Newest => _byId[NewestId];

    public byte[] Get(string id) =>
        _byId.TryGetValue(id, out var key) ? key : throw new CryptographicException($"Master key {id} is not configured.");

    /// <summary>Parses base64 keys, ignoring blank lines, so a key file may hold one key per line.</summary>
    public static MasterKeyRing FromBase64(IEnumerable<string> encoded) =>
        new(encoded.Select(k => k.Trim()).Where(k => k.Length > 0).Select(Convert.FromBase64String));

    private static string Fingerprint(byte[] key) => Convert.ToHexStringLower(SHA256.HashData(key).AsSpan(0, 8));
}
