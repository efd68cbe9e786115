using SecretsStore.Grains.Rules;

namespace SecretsStore.Tests.Rules;

public sealed class QuotaLedgerTests
{
    private readonly Guid _storeA = Guid.NewGuid();
    private readonly Guid _storeB = Guid.NewGuid();

    [Fact]
    public void AReservationHoldsRoomAgainstOtherStoresUntilReported()
    {
        var ledger = new QuotaLedger();
        Assert.True(ledger.TryReserve(_storeA, 0, 3, limit: 5));
        Assert.False(ledger.TryReserve(_storeB, 0, 3, limit: 5));
        ledger.Report(_storeA, 3);
        Assert.True(ledger.TryReserve(_storeB, 0, 2, limit: 5));
        Assert.Equal(3, ledger.Usage);
    }

    [Fact]
    public void AFailedWriteReleasesItsReservation()
    {
        var ledger = new QuotaLedger();
        Assert.True(ledger.TryReserve(_storeA, 0, 5, limit: 5));
        ledger.Report(_storeA, 0);
        Assert.True(ledger.TryReserve(_storeB, 0, 5, limit: 5));
    }

    [Fact]
    public void AStoreReservingAgainReplacesItsOwnEarlierReservation()
    {
        var ledger = new QuotaLedger();
        Assert.True(ledger.TryReserve(_storeA, 0, 4, limit: 5));
        // The store crashed before reporting; its next call carries its durable count.
        Assert.True(ledger.TryReserve(_storeA, 4, 1, limit: 5));
        Assert.False(ledger.TryReserve(_storeB, 0, 1, limit: 5));
    }

    [Fact]
    public void ReconciliationTrustsTheStoreAndDropsStaleReservations()
    {
        var ledger = new QuotaLedger();
        ledger.TryReserve(_storeA, 0, 5, limit: 10);
        ledger.Reconcile(_storeA, 2, writeInFlight: false);
        Assert.Equal(2, ledger.Usage);
        Assert.True(ledger.TryReserve(_storeB, 0, 8, limit: 10));
    }

    [Fact]
    public void RemovingAStoreFreesItsSecrets()
    {
        var ledger = new QuotaLedger();
        ledger.Report(_storeA, 7);
        ledger.Remove(_storeA);
        Assert.Equal(0, ledger.Usage);
    }
}
