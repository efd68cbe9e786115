using System.Security.Cryptography;
using SecretsStore.Grains.Crypto;
using SecretsStore.Grains.Keys;

namespace SecretsStore.Silo.Hosting.Development;

/// <summary>
/// A development run's master keys live in one owner-only file under its data folder, oldest first. Rotating there
/// adds a line before the key is used, so the next start has every key the database needs.
/// </summary>
public sealed class DevelopmentMasterKeyFile(string path) : IMasterKeyGenerator
{
    public const string FileName = "master.key";

    private readonly Lock _writing = new();

    /// <summary>The data folder's key file, with a first key generated into it when there is none yet.</summary>
    public static DevelopmentMasterKeyFile Ensure(string dataFolder, Action<string> announce)
    {
        var path = Path.Combine(dataFolder, FileName);
        if (!File.Exists(path))
        {
            OwnerOnlyFile.Write(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(MasterKeyRing.KeyBytes)) + "\n");
            announce($"Generated a development master key at {path} (keep it: values cannot be read without it).");
        }

        return new DevelopmentMasterKeyFile(path);
    }

    /// <exception cref="StartRefusedException">The file cannot be read, or holds a line that is not a key.</exception>
    public MasterKeyRing Read() => MasterKeySource.Parse(MasterKeySource.ReadKeyFile(path, "The development master key file"), path);

    public byte[] Generate()
    {
        var key = RandomNumberGenerator.GetBytes(MasterKeyRing.KeyBytes);
        lock (_writing)
        {
            var keys = File.ReadAllLines(path).Where(line => line.Trim().Length > 0).Append(Convert.ToBase64String(key));
            // Written whole to a new file, then moved over the old one: a crash leaves either file, never half of one.
            var next = path + ".new";
            OwnerOnlyFile.Write(next, string.Join('\n', keys) + "\n");
            File.Move(next, path, overwrite: true);
        }

        return key;
    }
}
