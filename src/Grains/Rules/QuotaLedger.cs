namespace SecretsStore.Grains.Rules;

/// <summary>
/// The secret-quota arithmetic of one account. It holds each store's durable count as the store last reported
/// it, plus at most one reservation per store (a store writes one change at a time). Nothing here is persisted:
/// the counts are always re-derivable from the stores, so a crash can never leave them wrong for good.
/// </summary>
public sealed class QuotaLedger
{
    private readonly Dictionary<Guid, int> _counts = [];
    private readonly Dictionary<Guid, int> _reservations = [];

    /// <summary>Secrets durably in all stores.</summary>
    public int Usage => _counts.Values.Sum();

    /// <summary>Room for <paramref name="additional"/> more within <paramref name="limit"/>, counting other stores' reservations.</summary>
    public bool TryReserve(Guid storeId, int committedCount, int additional, int limit)
    {
        _counts[storeId] = committedCount;
        _reservations.Remove(storeId);
        if (Usage + _reservations.Values.Sum() + additional > limit)
        {
            return false;
        }

        _reservations[storeId] = additional;
        return true;
    }

    public void Report(Guid storeId, int committedCount)
    {
        _counts[storeId] = committedCount;
        _reservations.Remove(storeId);
    }

    /// <summary>A reconciliation: the store's durable count, and whether a write of it is still under way.</summary>
    public void Reconcile(Guid storeId, int committedCount, bool writeInFlight)
    {
        _counts[storeId] = committedCount;
        if (!writeInFlight)
        {
            _reservations.Remove(storeId);
        }
    }

    public void Remove(Guid storeId)
    {
        _counts.Remove(storeId);
        _reservations.Remove(storeId);
    }
}
