using SecretsStore.Grains.Crypto;

namespace SecretsStore.Silo.Hosting;

/// <summary>
/// The configured master keys: <c>SecretsStore:MasterKeys</c> (base64 keys, newest last), <c>SecretsStore:MasterKey</c>,
/// or <c>SecretsStore:MasterKeyFile</c> (one base64 key per line). Without any, only a development run starts (with a
/// key of its own); anything else refuses to start rather than store plaintext.
/// </summary>
public static class MasterKeySource
{
    /// <summary>The configured keys, or null when none is configured.</summary>
    public static MasterKeyRing? Configured(SecretsStoreHostOptions options)
    {
        var keys = options.MasterKeys?.ToList() ?? [];
        if (options.MasterKey is { Length: > 0 } single)
        {
            keys.Add(single);
        }

        if (options.MasterKeyFile is { Length: > 0 } file)
        {
            keys.AddRange(File.ReadAllLines(file));
        }

        return keys.Count > 0 ? MasterKeyRing.FromBase64(keys) : null;
    }

    /// <summary>The configured keys, refusing to start without one.</summary>
    public static MasterKeyRing Required(SecretsStoreHostOptions options) => Configured(options) ?? throw new InvalidOperationException(
        "No master key is configured. Set SecretsStore__MasterKey (base64 of 32 random bytes) or SecretsStore__MasterKeyFile.");
}
