using System.Security.Cryptography;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Crypto;
using SecretsStore.Grains.StoreWrites;
using SecretsStore.Persistence.Audit;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.UnitTests.StoreWrites;

/// <summary>
/// Stores in memory for the write path's tests: live store snapshots with a real data key, sealed secrets, the callers
/// and audited calls a grain makes, and a batch planned and completed as a committed one is. No database, no Orleans.
/// </summary>
public sealed class StoreWorld
{
    public static readonly DateTime Now = new(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    public static readonly Caller Writer = Caller.Account(Permission.Write, "token:writer");

    private readonly MasterKeyRing _ring = new([RandomNumberGenerator.GetBytes(MasterKeyRing.KeyBytes)]);

    public StoreWorld() => Cipher = new ValueCipher(_ring);

    public Guid AccountId { get; } = Guid.NewGuid();

    public ValueCipher Cipher { get; }

    /// <summary>A service granted the world's account that manages <paramref name="name"/>'s stores and reads values scoped <paramref name="scopes"/>.</summary>
    public Caller Service(string name, params string[] scopes) => Caller.Service(name, scopes, AccountGrants.Only(AccountId));

    /// <summary>A live store of the account (or of <paramref name="accountId"/>) holding one secret per name, each scoped <c>workers</c>.</summary>
    public StoreSnapshot Store(string[]? secrets = null, string? managedBy = null, Guid? accountId = null, long version = 1)
    {
        var storeId = Guid.NewGuid();
        var account = accountId ?? AccountId;
        var wrapped = StoreKeys.NewWrapped(Cipher, _ring.NewestId, account, storeId);
        var keys = new StoreKeys(Cipher, account, storeId, new WrappedKey(wrapped.MasterKeyId, wrapped.Blob));
        var row = new StoreRow(storeId, account, $"store-{storeId:N}", managedBy, Now, Now, new WrappedKey(wrapped.MasterKeyId, wrapped.Blob), false, version);
        return new StoreSnapshot(storeId, row, (secrets ?? []).Select(name => Sealed(keys, name)), keys);
    }

    /// <summary>A store that was never created: no row, no key.</summary>
    public static StoreSnapshot Missing() => new(Guid.NewGuid(), null, [], null);

    /// <summary>An audited call of the account's writer (or <paramref name="caller"/>), as the grain makes one per request.</summary>
    public AuditedCall Call(string action = AuditActions.SecretCreate, Caller? caller = null, int allowedStatus = 200) =>
        new(caller ?? Writer, AccountId, action, Now, allowedStatus);

    /// <summary>Sealed records for new secrets, under ids chosen for them, as the grain makes them.</summary>
    public static IReadOnlyList<SecretRecord> NewSecrets(StoreSnapshot store, params string[] names) =>
        names.Select(name => Sealed(store.Keys!, name)).ToList();

    /// <summary>Plans the batch in order against a draft over <paramref name="store"/>, then answers each command as a committed batch's.</summary>
    public static StoreDraft Commit(StoreSnapshot store, QuotaBudget quota, params StoreCommand[] commands)
    {
        var draft = new StoreBatch(store, commands).Plan(quota);
        foreach (var command in commands)
        {
            command.Complete();
        }

        return draft;
    }

    public static StoreDraft Commit(StoreSnapshot store, params StoreCommand[] commands) => Commit(store, QuotaBudget.Unlimited(), commands);

    private static SecretRecord Sealed(StoreKeys keys, string name)
    {
        var id = Guid.NewGuid();
        return new SecretRecord(id, name, Now, Now, null, ["workers"], keys.Seal(id, new SecretValue($"value of {name}")));
    }
}
