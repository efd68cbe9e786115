namespace SecretsStore.Grains.Abstractions;

/// <summary>
/// One account: its list of stores and its limits; keyed by the account id. Store names are unique per account,
/// so store creation and deletion go through here. Secret usage is not counted here: it is kept in storage, in
/// the same transaction as the secrets it counts, so no store ever has to call this grain.
/// </summary>
// The alias is the interface's name before it was renamed: calls between versions keep matching.
[Alias("SecretsStore.IAccountQuotaGrain")]
public interface IAccountGrain : IGrainWithGuidKey
{
    /// <summary>
    /// Creates a store, only while the account exists (<c>account_not_found</c> otherwise, and for a service not granted
    /// the account). A service caller's store is managed by it and does not count toward the store quota; a service
    /// manages at most <c>SecretsStore:Quota:ManagedStores</c> stores of the account instead.
    /// </summary>
    /// <param name="externalAccountId">
    /// For service callers, the account's numeric id as that service knows it: the first one it gives is kept, and a
    /// different one later from it is refused (<c>account_id_mismatch</c>). Each service keeps its own.
    /// </param>
    [Alias("CreateStore"), AnsweredOnce]
    Task<Outcome<StoreView>> CreateStoreAsync(Caller caller, string? name, long? externalAccountId = null);

    /// <summary>Lists the stores the caller may see: account principals see all, a service only its own (and nothing, <c>account_not_found</c>, in an account it is not granted).</summary>
    [Alias("ListStores"), OnlyReads]
    Task<Outcome<Page<StoreView>>> ListStoresAsync(Caller caller, ListRequest query);

    /// <summary>
    /// Deletes a store through its own grain and drops it from the account's list; without <paramref name="force"/> a
    /// store that still holds secrets is refused (<c>store_not_empty</c>).
    /// </summary>
    [Alias("DeleteStore"), AnsweredOnce]
    Task<Outcome<Done>> DeleteStoreAsync(Caller caller, Guid storeId, bool force);

    /// <summary>The account's limits and what it uses of them: stores from this grain, secrets from storage.</summary>
    [Alias("GetQuota"), OnlyReads]
    Task<QuotaView> GetQuotaAsync();

    /// <summary>Sets the account's own limits (null restores the deployment default).</summary>
    [Alias("SetLimits")]
    Task<QuotaView> SetLimitsAsync(QuotaLimits limits, Caller caller);

    /// <summary>Changes only the limits <paramref name="change"/> sets (null restores that one's default).</summary>
    [Alias("ChangeLimits")]
    Task<QuotaView> ChangeLimitsAsync(QuotaChange change, Caller caller);

    /// <summary>
    /// Deletes the account: refused (<c>account_not_empty</c>) while it has stores, unless <paramref name="force"/>,
    /// which deletes every store with its secrets first. Then this grain's state, the account's quota row, the account
    /// and its credentials go, the last three in one transaction with the audit record.
    /// </summary>
    [Alias("DeleteAccount")]
    Task<Outcome<Done>> DeleteAccountAsync(Caller caller, bool force);
}
