namespace SecretsStore.Grains.Abstractions;

/// <summary>
/// The master keys that wrap stores' data keys. Use key 0. Only fingerprints cross this interface, never a key. Every
/// method takes the caller and refuses anyone but the operator, as the admin routes do, so a call that reached a silo
/// some other way than through them still needs the operator's identity.
/// </summary>
[Alias("SecretsStore.IMasterKeysGrain")]
public interface IMasterKeysGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Makes the newest configured master key current and starts re-wrapping every store's data key under it in the
    /// background; answers every key's state. Refused (<c>no_new_master_key</c>) when that key was current before. The
    /// rotation and its audit record commit together, so a recorded rotation is one that happened; a refusal is
    /// recorded before it is answered.
    /// </summary>
    [Alias("RotateAs")]
    Task<Outcome<IReadOnlyList<MasterKeyView>>> RotateAsync(Caller caller);

    /// <summary>Every key's fingerprint, state and how many stores it still wraps, oldest first.</summary>
    [Alias("ListFor")]
    Task<Outcome<IReadOnlyList<MasterKeyView>>> ListAsync(Caller caller);
}

/// <summary>A master key by fingerprint.</summary>
/// <param name="State">
/// <c>current</c> (new stores are wrapped under it), <c>retiring</c> (still wraps stores, being re-wrapped),
/// <c>retired</c> (wraps nothing: safe to remove from configuration), or <c>pending</c> (configured, never current:
/// the next rotation makes it current).
/// </param>
/// <param name="Configured">Whether the silo that answered holds the key.</param>
[GenerateSerializer, Immutable, Alias("SecretsStore.MasterKeyView")]
public sealed record MasterKeyView(
    [property: Id(0)] string Fingerprint,
    [property: Id(1)] string State,
    [property: Id(2)] long Stores,
    [property: Id(3)] bool Configured,
    [property: Id(4)] DateTime? BecameCurrent,
    [property: Id(5)] DateTime? Retired);
