namespace SecretsStore.Persistence.Stores;

/// <summary>
/// What a careful commit's locks found, held until its transaction ends: each store's version (absent for a store
/// never created) and each account's room for new secrets.
/// </summary>
public sealed record LockedRows(Dictionary<Guid, long> Versions, Dictionary<Guid, QuotaBudget> Budgets);
