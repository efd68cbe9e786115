using System.Security.Cryptography;
using SecretsStore.Grains.Crypto;
using SecretsStore.Grains.Keys;

namespace SecretsStore.Silo.Hosting;

/// <summary>
/// A development run's master keys live in one owner-only file under its data folder, oldest first. Rotating there
/// adds a line before the key is used, so the next start has every key the database needs.
/// </summary>
public sealed class DevelopmentMasterKeyFile(string path) : IMasterKeyGenerator
{
    private readonly Lock _writing = new();

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
