using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.StoreWrites;
using SecretsStore.Persistence.Audit;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.UnitTests.StoreWrites;

/// <summary>
/// Requests committed together: each is decided against the store as the requests before it in the batch left it, and
/// every store of an account takes from the one budget its commit holds, so the answers are those the requests would
/// have had one at a time.
/// </summary>
public sealed class StoreBatchTests
{
    private readonly StoreWorld _world = new();

    [Fact]
    public async Task ANameDeletedEarlierInTheBatchCanBeCreatedAgainLaterInIt()
    {
        var store = _world.Store(["A"]);
        var old = store.FindByName("A")!;
        var delete = new DeleteSecretsCommand(_world.Call(AuditActions.SecretDelete, allowedStatus: 202), [old.Id]);
        var create = new CreateSecretsCommand(_world.Call(), StoreWorld.NewSecrets(store, "A"));

        var draft = StoreWorld.Commit(store, new QuotaBudget(1, 1), delete, create);
        Assert.Equal([old.Id], ((IStoreChanges)draft).RemovedSecrets);
        store.Apply(draft);

        Assert.True((await delete.Answer).Succeeded);
        var created = Assert.Single((await create.Answer).Value!);
        Assert.Equal(created.Id, store.FindByName("A")!.Id);
        Assert.Null(store.Find(old.Id));
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task ANameCreatedEarlierInTheBatchIsTakenForTheRequestsAfterIt()
    {
        var store = _world.Store();
        var first = new CreateSecretsCommand(_world.Call(), StoreWorld.NewSecrets(store, "A"));
        var second = new CreateSecretsCommand(_world.Call(), StoreWorld.NewSecrets(store, "A"));

        var draft = StoreWorld.Commit(store, first, second);

        Assert.True((await first.Answer).Succeeded);
        Assert.Equal(Errors.SecretNameAlreadyExists("A", "/0/name"), (await second.Answer).Error);
        Assert.Equal(1, draft.Count);
        Assert.Equal([true, false], draft.Audit.Select(r => r.IsAllowed));
    }

    [Fact]
    public async Task AValueReadByNameAfterAPatchInTheSameBatchReadsThePatchedValue()
    {
        var store = _world.Store(["A"]);
        var a = store.FindByName("A")!;
        var patch = new PatchSecretCommand(
            _world.Call(AuditActions.SecretPatch), a.Id, new SecretPatch(null, new SecretValue("new value"), null, false, null), StoreWorld.Now);
        var reader = _world.Service("worker", "workers");
        var byName = new ReadValueCommand(_world.Call(AuditActions.SecretReadValue, reader), null, "A");
        var byId = new ReadValueCommand(_world.Call(AuditActions.SecretReadValue, reader), a.Id, null);

        StoreWorld.Commit(store, patch, byName, byId);

        Assert.Equal("new value", store.Keys!.Open((await byName.Answer).Value!));
        Assert.Equal("new value", store.Keys!.Open((await byId.Answer).Value!));
    }

    [Fact]
    public async Task ARefusedRequestLeavesTheBatchAsItFoundIt()
    {
        var store = _world.Store(["TAKEN"]);
        var refused = new CreateSecretsCommand(_world.Call(), StoreWorld.NewSecrets(store, "A", "TAKEN"));
        var after = new CreateSecretsCommand(_world.Call(), StoreWorld.NewSecrets(store, "A"));
        var quota = new QuotaBudget(1, 2);

        var draft = StoreWorld.Commit(store, quota, refused, after);

        Assert.False((await refused.Answer).Succeeded);
        Assert.True((await after.Answer).Succeeded);
        Assert.Equal(1, quota.Delta);
        Assert.Equal(2, draft.Count);
    }

    [Fact]
    public async Task ASecretCreatedAndDeletedInOneBatchLeavesNoRowAndNoUsage()
    {
        var store = _world.Store(["KEEP"]);
        var secret = StoreWorld.NewSecrets(store, "BRIEF");
        var create = new CreateSecretsCommand(_world.Call(), secret);
        var read = new ReadValueCommand(_world.Call(AuditActions.SecretReadValue, _world.Service("worker", "workers")), null, "BRIEF");
        var delete = new DeleteSecretsCommand(_world.Call(AuditActions.SecretDelete, allowedStatus: 202), [secret[0].Id]);
        var quota = new QuotaBudget(1, 2);

        var draft = StoreWorld.Commit(store, quota, create, read, delete);
        store.Apply(draft);

        Assert.True((await create.Answer).Succeeded);
        Assert.Same(secret[0], (await read.Answer).Value);
        Assert.True((await delete.Answer).Succeeded);
        IStoreChanges changes = draft;
        Assert.Empty(changes.UpsertedSecrets);
        Assert.Empty(changes.RemovedSecrets);
        Assert.Equal(0, changes.CountDelta);
        Assert.Equal(0, quota.Delta);
        Assert.Equal(["KEEP"], store.Secrets.Select(s => s.Name));
        Assert.Equal(
            [(AuditActions.SecretCreate, "BRIEF"), (AuditActions.SecretReadValue, "BRIEF"), (AuditActions.SecretDelete, "BRIEF")],
            draft.Audit.Select(r => (r.Action, r.SecretName!)));
    }

    [Fact]
    public async Task AForcedStoreDeleteAfterACreateInTheBatchGivesBackTheRoomOfBoth()
    {
        var store = _world.Store(["A"]);
        var create = new CreateSecretsCommand(_world.Call(), StoreWorld.NewSecrets(store, "B"));
        var delete = new DeleteStoreCommand(_world.Call(AuditActions.StoreDelete), force: true);
        var quota = new QuotaBudget(1, 5);

        var draft = StoreWorld.Commit(store, quota, create, delete);

        Assert.True((await create.Answer).Succeeded);
        Assert.True((await delete.Answer).Succeeded);
        Assert.Equal(-1, quota.Delta);
        Assert.Equal(-1, draft.CountDelta);
        Assert.Empty(((IStoreChanges)draft).UpsertedSecrets);
    }

    [Fact]
    public async Task StoresOfOneAccountShareItsSecretQuotaInPlanOrder()
    {
        // Four stores of one account committed in one transaction, a batch each: one budget, taken and given back in
        // the order the batches are planned.
        var (first, second, third, fourth) = (_world.Store(), _world.Store(), _world.Store(["X"]), _world.Store());
        var quota = new QuotaBudget(used: 8, limit: 10);
        var fill = new CreateSecretsCommand(_world.Call(), StoreWorld.NewSecrets(first, "A", "B"));
        var over = new CreateSecretsCommand(_world.Call(), StoreWorld.NewSecrets(second, "C"));
        var free = new DeleteSecretsCommand(_world.Call(AuditActions.SecretDelete, allowedStatus: 202), [third.FindByName("X")!.Id]);
        var fits = new CreateSecretsCommand(_world.Call(), StoreWorld.NewSecrets(fourth, "D"));

        StoreWorld.Commit(first, quota, fill);
        StoreWorld.Commit(second, quota, over);
        StoreWorld.Commit(third, quota, free);
        StoreWorld.Commit(fourth, quota, fits);

        Assert.True((await fill.Answer).Succeeded);
        Assert.Equal(Errors.MaximumSecretsExceeded(_world.AccountId, 10, 10, 1), (await over.Answer).Error);
        Assert.True((await free.Answer).Succeeded);
        Assert.True((await fits.Answer).Succeeded);
        Assert.Equal(10, quota.Used);
        Assert.Equal(2, quota.Delta);
    }

    [Fact]
    public async Task AnotherAccountsStoresTakeFromTheirOwnBudget()
    {
        var otherAccount = Guid.NewGuid();
        var (mine, theirs) = (_world.Store(), _world.Store(accountId: otherAccount));
        var (myQuota, theirQuota) = (new QuotaBudget(1, 1), new QuotaBudget(0, 1));
        var refused = new CreateSecretsCommand(_world.Call(), StoreWorld.NewSecrets(mine, "A"));
        var allowed = new CreateSecretsCommand(new AuditedCall(StoreWorld.Writer, otherAccount, AuditActions.SecretCreate, StoreWorld.Now), StoreWorld.NewSecrets(theirs, "A"));

        StoreWorld.Commit(mine, myQuota, refused);
        StoreWorld.Commit(theirs, theirQuota, allowed);

        Assert.Equal(ErrorKind.QuotaExceeded, (await refused.Answer).Error!.Kind);
        Assert.True((await allowed.Answer).Succeeded);
    }
}
