using Orleans.Concurrency;

namespace SecretsStore.Grains.Abstractions;

/// <summary>
/// One store and its secrets; keyed by the store id. It is the single writer of its store: it enforces name
/// uniqueness, atomic batches and who may touch the store. Every call names the account the caller addressed,
/// and a store of another account answers <c>store_not_found</c>.
/// </summary>
[Alias("SecretsStore.IStoreGrain")]
public interface IStoreGrain : IGrainWithGuidKey
{
    [Alias("Get")]
    Task<Outcome<StoreView>> GetAsync(Caller caller, Guid accountId);

    /// <summary>Creates every item or none; answers the secrets in request order.</summary>
    [Alias("CreateSecrets")]
    Task<Outcome<IReadOnlyList<SecretView>>> CreateSecretsAsync(Caller caller, Guid accountId, IReadOnlyList<NewSecret> items);

    [Alias("ListSecrets")]
    Task<Outcome<Page<SecretView>>> ListSecretsAsync(Caller caller, Guid accountId, ListRequest query);

    [Alias("GetSecret")]
    Task<Outcome<SecretView>> GetSecretAsync(Caller caller, Guid accountId, Guid secretId);

    [Alias("PatchSecret")]
    Task<Outcome<SecretView>> PatchSecretAsync(Caller caller, Guid accountId, Guid secretId, SecretPatch patch);

    [Alias("DeleteSecret")]
    Task<Outcome<Done>> DeleteSecretAsync(Caller caller, Guid accountId, Guid secretId);

    /// <summary>Deletes every listed secret or none: one unknown id fails the whole request.</summary>
    [Alias("DeleteSecrets")]
    Task<Outcome<Done>> DeleteSecretsAsync(Caller caller, Guid accountId, IReadOnlyList<string> ids);

    /// <summary>Copies a secret's value into a new secret without the value leaving the store.</summary>
    [Alias("DuplicateSecret")]
    Task<Outcome<SecretView>> DuplicateSecretAsync(Caller caller, Guid accountId, Guid secretId, DuplicateSecret request);

    /// <summary>Makes the store exist with this metadata. Idempotent; called only by the account's quota grain.</summary>
    [Alias("Initialize")]
    Task InitializeAsync(StoreView store);

    /// <summary>Deletes the store (and with <paramref name="force"/> its secrets). Called only by the account's quota grain.</summary>
    [Alias("Delete")]
    Task<Outcome<Done>> DeleteAsync(Caller caller, Guid accountId, bool force);

    /// <summary>
    /// The store's lifecycle and durable secret count, for the quota grain to reconcile its counters. It may run
    /// while another call of this store awaits the quota grain, so it never waits on anything itself.
    /// </summary>
    [AlwaysInterleave, Alias("GetStatus")]
    Task<StoreStatus> GetStatusAsync();
}

/// <summary>Where a store is in its life.</summary>
public enum StoreLifecycle
{
    /// <summary>Never initialised (or initialisation never became durable).</summary>
    Missing = 0,
    Active = 1,
    Deleted = 2,
}

/// <param name="SecretCount">Secrets durably in the store.</param>
/// <param name="WriteInFlight">True while a change is being written, so a reservation for it is still live.</param>
[GenerateSerializer, Immutable, Alias("SecretsStore.StoreStatus")]
public sealed record StoreStatus(
    [property: Id(0)] StoreLifecycle Lifecycle,
    [property: Id(1)] int SecretCount,
    [property: Id(2)] bool WriteInFlight);
