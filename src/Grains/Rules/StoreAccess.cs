using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.StoreWrites;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.Grains.Rules;

/// <summary>Who may see and change a store, in the order the wire contract checks them (docs/api.md, errors).</summary>
public static class StoreAccess
{
    public static StoreError? CheckPermission(Caller caller) => caller.CanWrite ? null : Errors.ReadOnly();

    /// <summary>
    /// A service not granted the account is answered as if the account did not exist, exactly as the gateway answers
    /// it: the grain checks again, so a route that forgot to ask still cannot reach another tenant.
    /// </summary>
    public static StoreError? CheckAccount(Caller caller, Guid accountId) => caller.ActsIn(accountId) ? null : Errors.AccountNotFound();

    /// <summary>
    /// A service sees only the stores it manages; account principals and the operator see every store of the account.
    /// The one rule behind both a store's own checks and the account's store list.
    /// </summary>
    public static bool Sees(Caller caller, string? managedBy) =>
        caller.Kind != CallerKind.Service || managedBy == caller.ServiceName;

    /// <summary>
    /// A store that does not exist, was deleted, belongs to another account or is managed by another service (or
    /// by nobody, for a service caller) is indistinguishable from no store. None of that can become visible later:
    /// a store's account and manager never change, and a deleted store is never brought back.
    /// </summary>
    public static StoreError? CheckVisible(StoreRow? row, bool live, Caller caller, Guid accountId) =>
        CheckReachable(row, live, caller, accountId) ?? (Sees(caller, row!.ManagedBy) ? null : Errors.StoreNotFound());

    /// <summary>
    /// The part of <see cref="CheckVisible(StoreRow?, bool, Caller, Guid)"/> that holds for every caller, value reads
    /// included (where a consumer scope reaches past the stores a service manages): the caller acts in the account,
    /// and the store is live and belongs to it.
    /// </summary>
    public static StoreError? CheckReachable(StoreRow? row, bool live, Caller caller, Guid accountId) =>
        CheckAccount(caller, accountId)
        ?? (live && row is not null && row.AccountId == accountId ? null : Errors.StoreNotFound());

    /// <summary>Account principals may read a store a service manages, but not change it.</summary>
    public static StoreError? CheckOwnership(StoreRow row, Caller caller) =>
        caller.Kind == CallerKind.Account && row.ManagedBy is not null ? Errors.StoreManagedByService() : null;

    public static StoreError? CheckVisible(StoreDraft draft, Caller caller, Guid accountId) =>
        CheckVisible(draft.Committed.Row, draft.IsLive, caller, accountId);

    public static StoreError? CheckReachable(StoreDraft draft, Caller caller, Guid accountId) =>
        CheckReachable(draft.Committed.Row, draft.IsLive, caller, accountId);

    public static StoreError? CheckVisible(StoreSnapshot store, Caller caller, Guid accountId) =>
        CheckVisible(store.Row, store.IsLive, caller, accountId);
}
