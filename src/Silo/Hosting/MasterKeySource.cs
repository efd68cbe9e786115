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
    /// <exception cref="StartRefusedException">The key file cannot be read, or a key is not base64 of 32 bytes.</exception>
    public static MasterKeyRing? Configured(SecretsStoreHostOptions options)
    {
        var keys = options.MasterKeys?.ToList() ?? [];
        if (options.MasterKey is { Length: > 0 } single)
        {
            keys.Add(single);
        }

        if (options.MasterKeyFile is { Length: > 0 } file)
        {
            keys.AddRange(ReadKeyFile(file, "SecretsStore:MasterKeyFile"));
        }

        return keys.Count > 0 ? Parse(keys, "SecretsStore:MasterKey, SecretsStore:MasterKeys and SecretsStore:MasterKeyFile") : null;
    }

    /// <summary>The configured keys, refusing to start without one.</summary>
    public static MasterKeyRing Required(SecretsStoreHostOptions options) => Configured(options) ?? throw new StartRefusedException(
        "No master key is configured. Set SecretsStore__MasterKey (base64 of 32 random bytes) or SecretsStore__MasterKeyFile.");

    /// <summary>A key file's lines; a file that cannot be read refuses the start, naming it.</summary>
    public static string[] ReadKeyFile(string path, string what)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (Exception unreadable) when (unreadable is IOException or UnauthorizedAccessException)
        {
            throw new StartRefusedException($"{what} ({Path.GetFullPath(path)}) cannot be read: {unreadable.Message}", unreadable);
        }
    }

    /// <summary>Keys as written; one that is not base64 of 32 bytes refuses the start (the message never quotes a key).</summary>
    public static MasterKeyRing Parse(IEnumerable<string> keys, string what)
    {
        try
        {
            return MasterKeyRing.FromBase64(keys);
        }
        catch (Exception malformed) when (malformed is FormatException or ArgumentException)
        {
            throw new StartRefusedException($"A master key in {what} is not base64 of 32 random bytes (openssl rand -base64 32 makes one).", malformed);
        }
    }
}
