using SecretsStore.Persistence.Audit;

namespace SecretsStore.Persistence.Stores;

/// <summary>
/// What a careful commit's locks found, held until its transaction ends: each store's version (absent for a store
/// never created) and each account's room for new secrets.
/// </summary>
public sealed record LockedRows(Dictionary<Guid, long> Versions, Dictionary<Guid, QuotaBudget> Budgets)
{
    /// <summary>
    /// The answers already kept for the round's Idempotency-Keys within their windows, by key hash (hex): their commands
    /// are answered from these rather than run. Not locked: a key kept by a commit that lands meanwhile fails this one.
    /// </summary>
    public IReadOnlyDictionary<string, KeyedRequest> Answers { get; init; } = new Dictionary<string, KeyedRequest>();
}
