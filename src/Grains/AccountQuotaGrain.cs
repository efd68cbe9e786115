using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Rules;
using SecretsStore.Grains.State;

namespace SecretsStore.Grains;

/// <summary>
/// Store creation writes the account's list first, then the store; deletion deletes the store first (leaving a
/// tombstone), then the list entry. Reconciliation repairs a crash between the two writes either way: a listed
/// store that was never created is created, a listed store that was deleted is dropped.
/// </summary>
public sealed class AccountQuotaGrain(
    [PersistentState(StorageNames.AccountState, StorageNames.Provider)] IPersistentState<AccountState> state,
    IOptions<SecretsStoreOptions> options,
    TimeProvider clock,
    ILogger<AccountQuotaGrain> logger) : Grain, IAccountQuotaGrain
{
    private static readonly TimeSpan ReconcilePeriod = TimeSpan.FromMinutes(1);

    private readonly QuotaLedger _ledger = new();

    private Guid AccountId => this.GetPrimaryKey();
    private Dictionary<Guid, StoreView> Stores => state.State.Stores;
    private int SecretsLimit => state.State.SecretsLimit ?? options.Value.Quota.Secrets;
    private int StoresLimit => state.State.StoresLimit ?? options.Value.Quota.Stores;

    /// <summary>Stores made by services do not count toward the store quota.</summary>
    private int StoresUsage => Stores.Values.Count(s => s.ManagedBy is null);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await ReconcileAsync(cancellationToken);
        this.RegisterGrainTimer(ReconcileAsync, new GrainTimerCreationOptions(ReconcilePeriod, ReconcilePeriod));
    }

    public async Task<Outcome<StoreView>> CreateStoreAsync(Caller caller, string? name, long? externalAccountId = null)
    {
        var refusal = (caller.CanWrite ? null : Errors.Forbidden())
            ?? (string.IsNullOrEmpty(name) ? Errors.StoreNameEmpty("/name") : null)
            ?? (NameRules.IsValid(name!) ? null : Errors.StoreNameInvalid("/name"))
            ?? (externalAccountId is not null && state.State.ExternalAccountId is { } known && known != externalAccountId
                ? Errors.AccountIdMismatch("/account_id")
                : null)
            ?? (Stores.Values.Any(s => s.Name == name) ? Errors.StoreNameAlreadyExists(name!, "/name") : null);
        var managedBy = caller.Kind == CallerKind.Service ? caller.ServiceName : null;
        refusal ??= managedBy is null && StoresUsage >= StoresLimit ? Errors.MaximumStoresExceeded() : null;
        if (refusal is not null)
        {
            return refusal;
        }

        var now = Timestamps.Now(clock);
        var store = new StoreView(Guid.NewGuid(), name!, AccountId, now, now, managedBy);
        Stores[store.Id] = store;
        state.State.ExternalAccountId ??= externalAccountId;
        try
        {
            await state.WriteStateAsync();
            await GrainFactory.GetGrain<IStoreGrain>(store.Id).InitializeAsync(store);
        }
        catch
        {
            await ForgetStoreAsync(store.Id);
            throw;
        }

        _ledger.Report(store.Id, 0);
        return store;
    }

    public Task<Outcome<Page<StoreView>>> ListStoresAsync(Caller caller, ListRequest query)
    {
        var parsed = ListQuery.Parse(query, ListQuery.StoreOrders, scopes: null);
        if (!parsed.Succeeded)
        {
            return Task.FromResult<Outcome<Page<StoreView>>>(parsed.Error!);
        }

        var visible = Stores.Values.Where(s => caller.Kind == CallerKind.Account || s.ManagedBy == caller.ServiceName);
        var page = Paging.Apply(visible, parsed.Value!, SortKey(parsed.Value!.Order), s => s.Id);
        return Task.FromResult<Outcome<Page<StoreView>>>(page);
    }

    public async Task<Outcome<Done>> DeleteStoreAsync(Caller caller, Guid storeId, bool force)
    {
        if (!caller.CanWrite)
        {
            return Errors.Forbidden();
        }

        if (!Stores.ContainsKey(storeId))
        {
            return Errors.StoreNotFound();
        }

        var deleted = await GrainFactory.GetGrain<IStoreGrain>(storeId).DeleteAsync(caller, AccountId, force);
        if (deleted.Succeeded)
        {
            Stores.Remove(storeId);
            _ledger.Remove(storeId);
            await state.WriteStateAsync();
        }

        return deleted;
    }

    public Task<QuotaView> GetQuotaAsync() => Task.FromResult(Quota());

    public async Task<QuotaView> SetLimitsAsync(QuotaLimits limits)
    {
        state.State.SecretsLimit = limits.Secrets;
        state.State.StoresLimit = limits.Stores;
        await state.WriteStateAsync();
        return Quota();
    }

    public Task<bool> ReserveSecretsAsync(Guid storeId, int committedCount, int additional) =>
        Task.FromResult(_ledger.TryReserve(storeId, committedCount, additional, SecretsLimit));

    public Task ReportSecretCountAsync(Guid storeId, int committedCount)
    {
        _ledger.Report(storeId, committedCount);
        return Task.CompletedTask;
    }

    private QuotaView Quota() => new(SecretsLimit, _ledger.Usage, StoresLimit, StoresUsage);

    /// <summary>Re-derives every store's count from the store itself and repairs half-done creates and deletes.</summary>
    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var listed = Stores.Values.ToList();
        var statuses = await Task.WhenAll(listed.Select(s => GrainFactory.GetGrain<IStoreGrain>(s.Id).GetStatusAsync()));
        var dropped = false;
        for (var i = 0; i < listed.Count; i++)
        {
            var store = listed[i];
            switch (statuses[i].Lifecycle)
            {
                case StoreLifecycle.Missing:
                    logger.LogInformation("Store {StoreId} of account {AccountId} was listed but never created; creating it", store.Id, AccountId);
                    await GrainFactory.GetGrain<IStoreGrain>(store.Id).InitializeAsync(store);
                    _ledger.Reconcile(store.Id, 0, writeInFlight: false);
                    break;
                case StoreLifecycle.Deleted:
                    logger.LogInformation("Store {StoreId} of account {AccountId} was deleted but still listed; dropping it", store.Id, AccountId);
                    Stores.Remove(store.Id);
                    _ledger.Remove(store.Id);
                    dropped = true;
                    break;
                default:
                    _ledger.Reconcile(store.Id, statuses[i].SecretCount, statuses[i].WriteInFlight);
                    break;
            }
        }

        if (dropped)
        {
            await state.WriteStateAsync(cancellationToken);
        }
    }

    private async Task ForgetStoreAsync(Guid storeId)
    {
        Stores.Remove(storeId);
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            // Reconciliation will find the listed store and finish creating it; the caller was told it failed.
            logger.LogWarning(ex, "Could not unlist store {StoreId} after a failed create", storeId);
        }
    }

    private static Func<StoreView, IComparable?> SortKey(string order) => order switch
    {
        "name" => s => s.Name,
        "modified" => s => s.Modified,
        _ => s => s.Created,
    };
}
