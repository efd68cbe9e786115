using System.Security.Cryptography;
using SecretsStore.Grains.Crypto;

namespace SecretsStore.Silo.Hosting;

/// <summary>
/// Finds the master keys: <c>SecretsStore:MasterKeys</c> (base64 keys, newest last), <c>SecretsStore:MasterKey</c>,
/// or <c>SecretsStore:MasterKeyFile</c> (one base64 key per line). A development run without any gets one
/// generated under its data folder; anything else without a key refuses to start rather than store plaintext.
/// </summary>
public static class MasterKeySource
{
    public const string DevelopmentKeyFile = "master.key";

    /// <param name="developmentKeys">
    /// The data folder's key file, when the keys came from there: rotating then adds new keys to it. Null when keys are
    /// configured, so that a rotation never makes a key that configuration would not give the next start.
    /// </param>
    public static MasterKeyRing Load(SecretsStoreHostOptions options, string? developmentDataFolder, Action<string> announce, out DevelopmentMasterKeyFile? developmentKeys)
    {
        developmentKeys = null;
        var keys = options.MasterKeys?.ToList() ?? [];
        if (options.MasterKey is { Length: > 0 } single)
        {
            keys.Add(single);
        }

        if (options.MasterKeyFile is { Length: > 0 } file)
        {
            keys.AddRange(File.ReadAllLines(file));
        }

        if (keys.Count > 0)
        {
            return MasterKeyRing.FromBase64(keys);
        }

        if (developmentDataFolder is null)
        {
            throw new InvalidOperationException(
                "No master key is configured. Set SecretsStore__MasterKey (base64 of 32 random bytes) or SecretsStore__MasterKeyFile.");
        }

        var path = Path.Combine(developmentDataFolder, DevelopmentKeyFile);
        if (!File.Exists(path))
        {
            OwnerOnlyFile.Write(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(MasterKeyRing.KeyBytes)) + "\n");
            announce($"Generated a development master key at {path} (keep it: values cannot be read without it).");
        }

        developmentKeys = new DevelopmentMasterKeyFile(path);
        return MasterKeyRing.FromBase64(File.ReadAllLines(path));
    }
}
