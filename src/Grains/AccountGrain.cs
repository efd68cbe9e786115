using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Crypto;
using SecretsStore.Grains.Rules;
using SecretsStore.Grains.State;
using SecretsStore.Persistence.Audit;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.Grains;

/// <summary>
/// Keeps the account's live stores in memory, loaded from the stores table. Store rows are the truth: a store is
/// created by inserting its row (which the store grain then loads) and deleted by its own grain, so a crash between
/// two writes leaves nothing to repair. When a write's outcome is unknown this activation steps down, and the next
/// one reads the truth again. It calls store grains (to delete them); they never call it.
/// </summary>
/// <remarks>
/// This grain was called <c>AccountQuotaGrain</c> until its job outgrew quotas. The grain type stays what Orleans
/// derived from that name, and the interface keeps its alias, so every grain id and every call stays the same: ids
/// carry the type, and silos and gateway clients of two versions in one cluster must agree on them. Stored state
/// does not depend on either: grain storage keys rows by state name (<see cref="StorageNames.AccountState"/>) and key.
/// </remarks>
[GrainType("accountquota")]
public sealed class AccountGrain(
    [PersistentState(StorageNames.AccountState, StorageNames.Provider)] IPersistentState<AccountState> state,
    AccountCatalog catalog,
    ValueCipher cipher,
    AuditLog audit,
    CommittedRequests committed,
    IOptions<SecretsStoreOptions> options,
    TimeProvider clock,
    ILogger<AccountGrain> logger) : Grain, IAccountGrain
{
    private Dictionary<Guid, StoreView> _stores = [];

    private Guid AccountId => this.GetPrimaryKey();

    /// <summary>Stores made by services do not count toward the store quota (each service has a limit of its own per account).</summary>
    private int StoresUsage => _stores.Values.Count(s => s.ManagedBy is null);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var stores = await StorageFaults.GuardAsync(() => catalog.ListLiveStoresAsync(AccountId, cancellationToken), logger);
        _stores = stores.ToDictionary(s => s.Id);
    }

    public async Task<Outcome<StoreView>> CreateStoreAsync(Caller caller, string? name, long? externalAccountId = null)
    {
        var now = Timestamps.Now(clock);
        if (AuditedRequest.Of(caller) is { Repeats: true } request && await StoreMadeByAsync(request, AuditActions.StoreCreate) is { } made)
        {
            return made;
        }

        var known = caller.ServiceName is { } service ? ExternalIdOf(service) : null;
        var refusal = StoreAccess.CheckPermission(caller)
            ?? StoreAccess.CheckAccount(caller, AccountId)
            ?? NameRules.ValidateStoreName(name, "/name")
            ?? (externalAccountId is not null && known is not null && known != externalAccountId
                ? Errors.AccountIdMismatch("/account_id")
                : null)
            ?? (_stores.Values.Any(s => s.Name == name) ? Errors.StoreNameAlreadyExists(name!, "/name") : null);
        if (refusal is not null)
        {
            return await RefuseAsync(now, caller, AuditActions.StoreCreate, refusal, null, refusal.Kind == ErrorKind.Validation ? null : name);
        }

        if (externalAccountId is not null && known is null && caller.ServiceName is { } newcomer)
        {
            await RememberExternalIdAsync(newcomer, externalAccountId.Value);
        }

        var store = new StoreView(Guid.NewGuid(), name!, AccountId, now, now, caller.Kind == CallerKind.Service ? caller.ServiceName : null);
        var record = AuditRecord.Of(now, AccountId, caller, AuditedRequest.IdOf(caller), AuditActions.StoreCreate, null, storeId: store.Id, storeName: store.Name, idempotency: IdempotentRequest.Current, request: AuditedRequest.Of(caller));
        var limits = new StoreLimits(options.Value.Quota.Stores, options.Value.Quota.ManagedStores);
        var inserted = await StepDownOnFault(() => catalog.InsertStoreAsync(
            store, limits, record, current => StoreKeys.NewWrapped(cipher, current, store.AccountId, store.Id)));
        switch (inserted.Outcome)
        {
            case StoreInsert.Inserted:
                _stores[store.Id] = store;
                return store;
            case StoreInsert.NameTaken:
                this.DeactivateOnIdle(); // storage knows a store this activation does not
                return await RefuseAsync(now, caller, AuditActions.StoreCreate, Errors.StoreNameAlreadyExists(name!, "/name"), null, name);
            case StoreInsert.AccountMissing:
                // Deleted since the gateway looked (its answer may be a few seconds old): nothing may be made in it.
                this.DeactivateOnIdle();
                return await RefuseAsync(now, caller, AuditActions.StoreCreate, Errors.AccountNotFound(), null, name);
            case StoreInsert.ManagedQuotaExceeded:
                return await RefuseAsync(now, caller, AuditActions.StoreCreate, Errors.MaximumManagedStoresExceeded(inserted.Limit, inserted.Usage), null, name);
            default:
                return await RefuseAsync(now, caller, AuditActions.StoreCreate, Errors.MaximumStoresExceeded(AccountId, inserted.Limit, inserted.Usage), null, name);
        }
    }

    public Task<Outcome<Page<StoreView>>> ListStoresAsync(Caller caller, ListRequest query) =>
        Task.FromResult(StoreAccess.CheckAccount(caller, AccountId) is { } foreign
            ? foreign
            : StoreListing.List(_stores.Values, caller, query));

    public async Task<Outcome<Done>> DeleteStoreAsync(Caller caller, Guid storeId, bool force)
    {
        // A store this account has is deleted (and audited) by its own grain; what is refused here is audited here.
        var refusal = StoreAccess.CheckPermission(caller)
            ?? StoreAccess.CheckAccount(caller, AccountId)
            // A repeat goes to the store's grain even when this list no longer has it: the grain answers a delete that
            // the first run committed from its trail ([AnsweredOnce]), and refuses one that it did not as usual.
            ?? (_stores.ContainsKey(storeId) || AuditedRequest.Of(caller) is { Repeats: true } ? null : Errors.StoreNotFound());
        if (refusal is not null)
        {
            return await RefuseAsync(Timestamps.Now(clock), caller, AuditActions.StoreDelete, refusal, storeId, _stores.GetValueOrDefault(storeId)?.Name);
        }

        var deleted = await StepDownOnFault(() => GrainFactory.GetGrain<IStoreGrain>(storeId).DeleteAsync(caller, AccountId, force));
        if (deleted.Succeeded)
        {
            _stores.Remove(storeId);
        }

        return deleted;
    }

    public async Task<QuotaView> GetQuotaAsync()
    {
        var quota = await StorageFaults.GuardAsync(() => catalog.ReadQuotaAsync(AccountId), logger);
        var defaults = options.Value.Quota;
        return new QuotaView(
            quota.SecretsLimit ?? defaults.Secrets, quota.SecretsUsed, quota.StoresLimit ?? defaults.Stores, StoresUsage,
            quota.SecretsLimit, quota.StoresLimit);
    }

    public Task<QuotaView> SetLimitsAsync(QuotaLimits limits, Caller caller) => ChangeLimitsAsync(QuotaChange.Replacing(limits), caller);

    public async Task<QuotaView> ChangeLimitsAsync(QuotaChange change, Caller caller)
    {
        var record = AuditRecord.Of(Timestamps.Now(clock), AccountId, caller, AuditedRequest.IdOf(caller), AuditActions.QuotaSet, null, idempotency: IdempotentRequest.Current, request: AuditedRequest.Of(caller));
        await StorageFaults.GuardAsync(() => catalog.ChangeLimitsAsync(AccountId, change, record), logger);
        return await GetQuotaAsync();
    }

    public async Task<Outcome<Done>> DeleteAccountAsync(Caller caller, bool force)
    {
        var now = Timestamps.Now(clock);
        if (_stores.Count > 0 && !force)
        {
            return await RefuseAsync(now, caller, AuditActions.AccountDelete, await NotEmptyAsync(), null, null);
        }

        // Stores first, each deleted (and audited) by its own grain, which clears its data key; a failure part-way leaves
        // an account with fewer stores, and deleting it again finishes the work.
        foreach (var storeId in _stores.Keys.ToList())
        {
            var deleted = await StepDownOnFault(() => GrainFactory.GetGrain<IStoreGrain>(storeId).DeleteAsync(caller, AccountId, force: true));
            if (!deleted.Succeeded && deleted.Error.Kind != ErrorKind.NotFound)
            {
                return deleted.Error;
            }

            _stores.Remove(storeId);
        }

        // This grain's own state before the account row: were it the other way round, a failure in between would leave
        // state behind that no later request could reach.
        await StepDownOnFault(async () =>
        {
            await state.ClearStateAsync();
            return true;
        });
        var record = AuditRecord.Of(now, AccountId, caller, AuditedRequest.IdOf(caller), AuditActions.AccountDelete, null, idempotency: IdempotentRequest.Current, request: AuditedRequest.Of(caller)).WithSubject($"account:{AccountId:N}");
        var removed = await StepDownOnFault(() => catalog.DeleteAccountAsync(AccountId, record));
        this.DeactivateOnIdle(); // nothing of the account is left to keep in memory
        return removed ? Done.Value : await RefuseAsync(now, caller, AuditActions.AccountDelete, await NotEmptyAsync(), null, null);
    }

    /// <summary>
    /// The store a repeated create's first run made, if it committed one (see <c>[AnsweredOnce]</c>): its record and
    /// row went in one transaction, and this activation loaded after it or added the store itself.
    /// </summary>
    private async Task<StoreView?> StoreMadeByAsync(AuditedRequest request, string action)
    {
        var made = await StorageFaults.GuardAsync(
            () => committed.FindStoresAsync(AccountId, action, request.RequestId, request.At - CommittedRequests.Window, CancellationToken.None), logger);
        return made.Select(id => _stores.GetValueOrDefault(id)).FirstOrDefault(s => s is not null);
    }

    private async Task<StoreError> NotEmptyAsync()
    {
        var quota = await StorageFaults.GuardAsync(() => catalog.ReadQuotaAsync(AccountId), logger);
        return Errors.AccountNotEmpty(_stores.Count, _stores.Values.Count(s => s.ManagedBy is not null), quota.SecretsUsed);
    }

    /// <summary>Records a refusal before answering it: if the record cannot be written, the caller hears 503 instead.</summary>
    private async Task<StoreError> RefuseAsync(DateTime at, Caller caller, string action, StoreError refusal, Guid? storeId, string? storeName)
    {
        var record = AuditRecord.Of(at, AccountId, caller, AuditedRequest.IdOf(caller), action, refusal, storeId: storeId, storeName: storeName, idempotency: IdempotentRequest.Current, request: AuditedRequest.Of(caller));
        await StorageFaults.GuardAsync(() => audit.AppendAsync(record), logger);
        return refusal;
    }

    /// <summary>
    /// The account's number as <paramref name="service"/> knows it. Each service keeps its own: one service's number
    /// never refuses another's. A number kept before that (one for every service, <see cref="AccountState.ExternalAccountId"/>)
    /// still binds the services that managed a live store here, since each of them gave it.
    /// </summary>
    private long? ExternalIdOf(string service)
    {
        var own = state.State.ExternalAccountIds ??= [];
        return own.TryGetValue(service, out var number) ? number
            : state.State.ExternalAccountId is { } shared && _stores.Values.Any(s => s.ManagedBy == service) ? shared
            : null;
    }

    private async Task RememberExternalIdAsync(string service, long externalAccountId)
    {
        state.State.ExternalAccountIds[service] = externalAccountId;
        try
        {
            await StorageFaults.GuardAsync(() => state.WriteStateAsync(), logger);
        }
        catch
        {
            state.State.ExternalAccountIds.Remove(service);
            this.DeactivateOnIdle(); // the write may have landed; the next activation reads what did
            throw;
        }
    }

    /// <summary>A failed call may still have changed storage, so this activation's memory can no longer be trusted.</summary>
    private async Task<T> StepDownOnFault<T>(Func<Task<T>> work)
    {
        try
        {
            return await StorageFaults.GuardAsync(work, logger);
        }
        catch
        {
            this.DeactivateOnIdle();
            throw;
        }
    }
}
