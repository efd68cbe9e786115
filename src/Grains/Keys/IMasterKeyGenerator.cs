namespace SecretsStore.Grains.Keys;

/// <summary>
/// Makes a new master key when a rotation finds no new one configured. Only a development run has one: it keeps its
/// keys in its data folder, where the key is saved before it is used. A production silo never invents a key that
/// the other silos, and the operator's backups, would not have.
/// </summary>
public interface IMasterKeyGenerator
{
    /// <summary>A new key, already saved where the next start reads its keys from.</summary>
    byte[] Generate();
}
