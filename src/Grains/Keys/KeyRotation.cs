using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Crypto;
using SecretsStore.Persistence.Audit;
using SecretsStore.Persistence.Keys;

namespace SecretsStore.Grains.Keys;

/// <summary>What the operator's key routes do: make a new key current, and show every key's state.</summary>
public sealed class KeyRotation(
    MasterKeyCatalog catalog, MasterKeyRing ring, KeyRewrapService rewrapper, SiloKeyHolder silo, IMasterKeyGenerator? generator)
{
    public const string Pending = "pending";

    /// <summary>
    /// Makes the newest configured key current (a development run generates one when that key has been current
    /// before) and starts re-wrapping every store under it. Refused while a running silo lacks the key: it could
    /// neither create stores nor open the re-wrapped ones. The record <paramref name="recordOf"/> makes for the new
    /// current key's fingerprint commits with the rotation.
    /// </summary>
    public async Task<Outcome<IReadOnlyList<MasterKeyView>>> RotateAsync(Func<string, AuditRecord>? recordOf = null, CancellationToken ct = default)
    {
        var rotated = await catalog.RotateAsync(ChooseNewKey, silo.Current, recordOf, ct);
        if (rotated.Lacking.Count > 0)
        {
            return Errors.MasterKeyNotOnEverySilo(rotated.Lacking);
        }

        if (rotated.Current is null)
        {
            return Errors.NoNewMasterKey();
        }

        rewrapper.Wake();
        return (await ListAsync(ct)).ToList();
    }

    /// <summary>
    /// Every key the database knows, oldest first, and the newest configured key as <see cref="Pending"/> when it
    /// has never been current. <c>configured</c> says whether the silo answering holds the key.
    /// </summary>
    public async Task<IReadOnlyList<MasterKeyView>> ListAsync(CancellationToken ct = default)
    {
        var rows = await catalog.ListAsync(ct);
        var keys = rows
            .Select(k => new MasterKeyView(k.Fingerprint, k.State, k.Stores, ring.Has(k.Fingerprint), k.BecameCurrent, k.Retired))
            .ToList();
        if (rows.All(k => k.Fingerprint != ring.NewestId))
        {
            keys.Add(new MasterKeyView(ring.NewestId, Pending, 0, true, null, null));
        }

        return keys;
    }

    // A key that was ever current is never made current again: its fingerprint already names a state.
    private string? ChooseNewKey(IReadOnlySet<string> known) =>
        !known.Contains(ring.NewestId) ? ring.NewestId
        : generator is null ? null
        : ring.Add(generator.Generate());
}
