namespace SecretsStore.Grains.Abstractions;

/// <summary>
/// One store and its secrets; keyed by the store id. It is the single writer of its store: it enforces name
/// uniqueness, atomic batches and who may touch the store. Every call names the account the caller addressed,
/// and a store of another account answers <c>store_not_found</c>; a service caller not granted that account answers
/// <c>account_not_found</c>, before anything else is looked at. A write is answered only once it is durable;
/// concurrent writes are committed together, each keeping its own all-or-nothing result.
/// </summary>
[Alias("SecretsStore.IStoreGrain")]
public interface IStoreGrain : IGrainWithGuidKey
{
    /// <summary>The store, if the caller may see it: another account's, or one a service does not manage, is <c>store_not_found</c>.</summary>
    [Alias("Get"), OnlyReads]
    Task<Outcome<StoreView>> GetAsync(Caller caller, Guid accountId);

    /// <summary>Creates every item or none; answers the secrets in request order.</summary>
    [Alias("CreateSecrets"), AnsweredOnce]
    Task<Outcome<IReadOnlyList<SecretView>>> CreateSecretsAsync(Caller caller, Guid accountId, IReadOnlyList<NewSecret> items);

    /// <summary>One page of the store's secrets, filtered and sorted as <paramref name="query"/> asks; never a value.</summary>
    [Alias("ListSecrets"), OnlyReads]
    Task<Outcome<Page<SecretView>>> ListSecretsAsync(Caller caller, Guid accountId, ListRequest query);

    /// <summary>One secret's metadata; never its value.</summary>
    [Alias("GetSecret"), OnlyReads]
    Task<Outcome<SecretView>> GetSecretAsync(Caller caller, Guid accountId, Guid secretId);

    /// <summary>Changes a secret's value, comment or scopes; its name never changes.</summary>
    [Alias("PatchSecret"), AnsweredOnce]
    Task<Outcome<SecretView>> PatchSecretAsync(Caller caller, Guid accountId, Guid secretId, SecretPatch patch);

    /// <summary>Deletes one secret; answered as 202, as Cloudflare does.</summary>
    [Alias("DeleteSecret"), AnsweredOnce]
    Task<Outcome<Done>> DeleteSecretAsync(Caller caller, Guid accountId, Guid secretId);

    /// <summary>Deletes every listed secret or none: one unknown id fails the whole request.</summary>
    [Alias("DeleteSecrets"), AnsweredOnce]
    Task<Outcome<Done>> DeleteSecretsAsync(Caller caller, Guid accountId, IReadOnlyList<string> ids);

    /// <summary>Copies a secret's value into a new secret without the value leaving the store.</summary>
    [Alias("DuplicateSecret"), AnsweredOnce]
    Task<Outcome<SecretView>> DuplicateSecretAsync(Caller caller, Guid accountId, Guid secretId, DuplicateSecret request);

    /// <summary>
    /// A secret's value, for a service granted the account that manages the store or holds one of the secret's scopes
    /// among its consumer scopes; a service not granted the account is <c>account_not_found</c>, anything else
    /// <c>secret_not_found</c>. Answered only once the read's audit record is durable: a read
    /// that cannot be recorded fails with <see cref="StorageUnavailableException"/>.
    /// </summary>
    [Alias("ReadValue"), AnsweredOnce]
    Task<Outcome<RevealedSecret>> ReadValueAsync(Caller caller, Guid accountId, Guid secretId);

    /// <summary>As <see cref="ReadValueAsync"/>, for the secret with this name.</summary>
    [Alias("ReadValueByName"), AnsweredOnce]
    Task<Outcome<RevealedSecret>> ReadValueByNameAsync(Caller caller, Guid accountId, string name);

    /// <summary>
    /// Deletes the store (and with <paramref name="force"/> its secrets). Called only by the account's grain,
    /// which keeps the account's list of stores; a store grain never calls the account grain, so the two can never
    /// wait on each other.
    /// </summary>
    [Alias("Delete"), AnsweredOnce]
    Task<Outcome<Done>> DeleteAsync(Caller caller, Guid accountId, bool force);
}
