using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.StoreWrites;
using SecretsStore.Persistence.Audit;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.UnitTests.StoreWrites;

/// <summary>
/// The draft a batch plans against: each command sees what the earlier ones did, the snapshot stays as it was until
/// the commit is durable, and what a commit writes (<see cref="IStoreChanges"/>) is exactly the rows that change.
/// </summary>
public sealed class StoreDraftTests
{
    private readonly StoreWorld _world = new();

    [Fact]
    public void AnAddedSecretIsFoundByIdAndNameAndCountedButTheSnapshotIsUntouched()
    {
        var store = _world.Store(["A"]);
        var draft = new StoreDraft(store, QuotaBudget.Unlimited());
        var added = StoreWorld.NewSecrets(store, "B")[0];

        draft.Add(added);

        Assert.Same(added, draft.Find(added.Id));
        Assert.Same(added, draft.FindByName("B"));
        Assert.True(draft.HasName("B"));
        Assert.Equal(2, draft.Count);
        Assert.Equal(1, draft.CountDelta);
        Assert.Null(store.FindByName("B"));
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public void ARemovedSecretIsGoneItsNameIsFreeAndItsRowIsDeleted()
    {
        var store = _world.Store(["A", "B"]);
        var quota = new QuotaBudget(2, 2);
        var draft = new StoreDraft(store, quota);
        var a = store.FindByName("A")!;

        draft.Remove(a);

        Assert.Null(draft.Find(a.Id));
        Assert.Null(draft.FindByName("A"));
        Assert.False(draft.HasName("A"));
        Assert.Equal(1, draft.Count);
        Assert.Equal(-1, quota.Delta);
        IStoreChanges changes = draft;
        Assert.Equal([a.Id], changes.RemovedSecrets);
        Assert.Empty(changes.UpsertedSecrets);
        Assert.Same(a, store.Find(a.Id));
    }

    [Fact]
    public void ASecretAddedAndRemovedInOneDraftHasNoRowToWriteOrDelete()
    {
        var store = _world.Store();
        var draft = new StoreDraft(store, QuotaBudget.Unlimited());
        var brief = StoreWorld.NewSecrets(store, "BRIEF")[0];

        draft.Add(brief);
        draft.Remove(brief);

        IStoreChanges changes = draft;
        Assert.Empty(changes.RemovedSecrets);
        Assert.Empty(changes.UpsertedSecrets);
        Assert.Equal(0, changes.CountDelta);
        Assert.Null(draft.Find(brief.Id));
        Assert.False(draft.HasName("BRIEF"));
    }

    [Fact]
    public void ANameRemovedCanBeTakenAgainByANewSecretInTheSameDraft()
    {
        var store = _world.Store(["A"]);
        var draft = new StoreDraft(store, QuotaBudget.Unlimited());
        var old = store.FindByName("A")!;
        var reborn = StoreWorld.NewSecrets(store, "A")[0];

        draft.Remove(old);
        draft.Add(reborn);

        Assert.Same(reborn, draft.FindByName("A"));
        Assert.Equal(1, draft.Count);
        IStoreChanges changes = draft;
        Assert.Equal([old.Id], changes.RemovedSecrets);
        Assert.Equal([reborn], changes.UpsertedSecrets);
    }

    [Fact]
    public void AReplacedSecretKeepsItsNameAndCount()
    {
        var store = _world.Store(["A"]);
        var draft = new StoreDraft(store, QuotaBudget.Unlimited());
        var changed = store.FindByName("A")! with { Comment = "new" };

        draft.Replace(changed);

        Assert.Same(changed, draft.FindByName("A"));
        Assert.Equal(0, draft.CountDelta);
        Assert.Equal([changed], ((IStoreChanges)draft).UpsertedSecrets);
    }

    [Fact]
    public void DeletingTheStoreHidesEverySecretAndGivesItsRoomBack()
    {
        var store = _world.Store(["A", "B"]);
        var quota = new QuotaBudget(2, 10);
        var draft = new StoreDraft(store, quota);
        Assert.Null(draft.Reserve(1, _world.AccountId));
        draft.Add(StoreWorld.NewSecrets(store, "C")[0]);

        draft.DeleteStore();

        Assert.True(draft.StoreDeleted);
        Assert.False(draft.IsLive);
        Assert.Equal(0, draft.Count);
        Assert.Equal(-2, draft.CountDelta);
        Assert.Equal(-2, quota.Delta);
        Assert.Null(draft.FindByName("A"));
        Assert.Null(draft.FindByName("C"));
        Assert.False(draft.HasName("B"));
        IStoreChanges changes = draft;
        Assert.Empty(changes.UpsertedSecrets);
        Assert.Empty(changes.RemovedSecrets);
    }

    [Fact]
    public void ReservingPastTheLimitIsRefusedWithTheLimitAndUsageAndTakesNothing()
    {
        var store = _world.Store();
        var quota = new QuotaBudget(9, 10);
        var draft = new StoreDraft(store, quota);

        Assert.Equal(Errors.MaximumSecretsExceeded(_world.AccountId, 10, 9, 2), draft.Reserve(2, _world.AccountId));
        Assert.Equal(0, quota.Delta);
        Assert.Null(draft.Reserve(1, _world.AccountId));
        Assert.Equal(1, quota.Delta);
    }

    [Fact]
    public void AuditRecordsAloneAreWorkButNoChange()
    {
        var store = _world.Store();
        var draft = new StoreDraft(store, QuotaBudget.Unlimited());
        Assert.False(draft.HasWork);

        draft.Record(AuditRecord.Of(StoreWorld.Now, _world.AccountId, StoreWorld.Writer, "", AuditActions.SecretReadValue, error: null));

        Assert.True(draft.HasWork);
        Assert.False(draft.HasChanges);
    }

    [Fact]
    public void ApplyingACommittedDraftMakesItTheSnapshotAndMovesTheVersionOn()
    {
        var store = _world.Store(["A", "B"]);
        var draft = new StoreDraft(store, QuotaBudget.Unlimited());
        var (a, b) = (store.FindByName("A")!, store.FindByName("B")!);
        var reborn = StoreWorld.NewSecrets(store, "A")[0];
        draft.Remove(a);
        draft.Add(reborn);
        draft.Replace(b with { Comment = "changed" });

        store.Apply(draft);

        Assert.Equal(2, store.Row!.Version);
        Assert.Null(store.Find(a.Id));
        Assert.Same(reborn, store.FindByName("A"));
        Assert.Equal("changed", store.FindByName("B")!.Comment);
        Assert.Equal(2, store.Count);
    }

    [Fact]
    public void ApplyingADeleteLeavesADeletedEmptyStoreWithoutItsKey()
    {
        var store = _world.Store(["A"]);
        var draft = new StoreDraft(store, QuotaBudget.Unlimited());
        draft.DeleteStore();

        store.Apply(draft);

        Assert.False(store.IsLive);
        Assert.Null(store.Row!.DataKey);
        Assert.Equal(0, store.Count);
        Assert.False(store.HasName("A"));
    }

    [Fact]
    public void ApplyingADraftWithOnlyAuditRecordsLeavesTheVersionAlone()
    {
        var store = _world.Store(["A"]);
        var draft = new StoreDraft(store, QuotaBudget.Unlimited());
        draft.Record(AuditRecord.Of(StoreWorld.Now, _world.AccountId, StoreWorld.Writer, "", AuditActions.SecretReadValue, error: null));

        store.Apply(draft);

        Assert.Equal(1, store.Row!.Version);
    }
}
