using System.Collections.Immutable;
using System.Security.Cryptography;

namespace SecretsStore.Grains.Crypto;

/// <summary>
/// The configured master keys, newest last. Each is known by a fingerprint of itself, so wrapped data keys
/// find their master key without an id having to be configured next to it. Which key new data keys are wrapped
/// under is not decided here but by the database (<see cref="SecretsStore.Persistence.Keys.MasterKeyCatalog"/>), so that every silo of a
/// cluster agrees on it.
/// </summary>
/// <remarks>
/// A development run adds the key it generates when rotating, while grains read keys on other threads: the
/// collections are replaced whole, never changed in place.
/// </remarks>
public sealed class MasterKeyRing
{
    public const int KeyBytes = 32;

    private readonly Lock _adding = new();
    private ImmutableDictionary<string, byte[]> _byId = ImmutableDictionary.Create<string, byte[]>(StringComparer.Ordinal);
    private ImmutableList<string> _ids = [];

    public MasterKeyRing(IEnumerable<byte[]> keys)
    {
        foreach (var key in keys)
        {
            Add(key);
        }

        if (_ids.Count == 0)
        {
            throw new ArgumentException("At least one master key is required.");
        }
    }

    /// <summary>The fingerprints of the configured keys, oldest first.</summary>
    public IReadOnlyList<string> Ids => _ids;

    /// <summary>The last configured key: the one a rotation makes current, and a new database starts with.</summary>
    public string NewestId => _ids[^1];

    public bool Has(string id) => _byId.ContainsKey(id);

    public byte[] Get(string id) =>
        _byId.TryGetValue(id, out var key) ? key : throw new CryptographicException($"Master key {id} is not configured.");

    /// <summary>Adds a key as the newest (or leaves a known one where it is); answers its fingerprint.</summary>
    public string Add(byte[] key)
    {
        if (key.Length != KeyBytes)
        {
            throw new ArgumentException($"A master key must be {KeyBytes} bytes (base64 of 32 random bytes).");
        }

        var id = Fingerprint(key);
        lock (_adding)
        {
            if (!_byId.ContainsKey(id))
            {
                _byId = _byId.Add(id, key.ToArray());
                _ids = _ids.Add(id);
            }
        }

        return id;
    }

    /// <summary>Parses base64 keys, ignoring blank lines, so a key file may hold one key per line.</summary>
    public static MasterKeyRing FromBase64(IEnumerable<string> encoded) =>
        new(encoded.Select(k => k.Trim()).Where(k => k.Length > 0).Select(Convert.FromBase64String));

    /// <summary>Names a key without revealing it: 64 bits of its SHA-256.</summary>
    public static string Fingerprint(byte[] key) => Convert.ToHexStringLower(SHA256.HashData(key).AsSpan(0, 8));
}
