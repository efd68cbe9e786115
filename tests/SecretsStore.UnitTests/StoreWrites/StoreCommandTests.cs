using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.StoreWrites;
using SecretsStore.Persistence.Audit;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.UnitTests.StoreWrites;

/// <summary>
/// Every store command on its own, planned and answered as one committed batch: what it decides, what it leaves in the
/// draft for the commit to write, and what the audit trail keeps of it, allowed or refused.
/// </summary>
public sealed class StoreCommandTests
{
    private readonly StoreWorld _world = new();

    [Fact]
    public async Task ACreateAddsEverySecretAndRecordsEachByIdAndName()
    {
        var store = _world.Store(["A"]);
        var secrets = StoreWorld.NewSecrets(store, "B", "C");
        var create = new CreateSecretsCommand(_world.Call(), secrets);

        var draft = StoreWorld.Commit(store, create);

        var answer = await create.Answer;
        Assert.Equal(["B", "C"], answer.Value!.Select(v => v.Name));
        Assert.All(answer.Value!, v => Assert.Equal(store.StoreId, v.StoreId));
        Assert.Equal(3, draft.Count);
        Assert.Equal(secrets, ((IStoreChanges)draft).UpsertedSecrets);
        Assert.Equal(secrets.Select(s => (s.Id, s.Name)), draft.Audit.Select(r => (r.SecretId!.Value, r.SecretName!)));
        Assert.All(draft.Audit, r => Assert.Equal((true, store.Row!.Name, AuditActions.SecretCreate), (r.IsAllowed, r.StoreName, r.Action)));
    }

    [Fact]
    public async Task ACreateWithATakenNameIsRefusedWholeAndRecordedOnce()
    {
        var store = _world.Store(["A"]);
        var create = new CreateSecretsCommand(_world.Call(), StoreWorld.NewSecrets(store, "B", "A"));

        var draft = StoreWorld.Commit(store, create);

        Assert.Equal(Errors.SecretNameAlreadyExists("A", "/1/name"), (await create.Answer).Error);
        Assert.False(draft.HasChanges);
        var record = Assert.Single(draft.Audit);
        Assert.Equal(("secret_name_already_exists", null), (record.Error, record.SecretName));
    }

    [Fact]
    public async Task ACreateNamingOneSecretTwiceIsRefused()
    {
        var store = _world.Store();
        var create = new CreateSecretsCommand(_world.Call(), StoreWorld.NewSecrets(store, "A", "A"));

        var draft = StoreWorld.Commit(store, create);

        Assert.Equal(Errors.SecretNameAlreadyExists("A", "/1/name"), (await create.Answer).Error);
        Assert.False(draft.HasChanges);
    }

    [Fact]
    public async Task ACreateOverTheAccountsLimitIsRefusedWithTheUsage()
    {
        var store = _world.Store(["A"]);
        var quota = new QuotaBudget(9, 10);
        var create = new CreateSecretsCommand(_world.Call(), StoreWorld.NewSecrets(store, "B", "C"));

        var draft = StoreWorld.Commit(store, quota, create);

        Assert.Equal(Errors.MaximumSecretsExceeded(_world.AccountId, 10, 9, 2), (await create.Answer).Error);
        Assert.False(draft.HasChanges);
        Assert.Equal(0, quota.Delta);
    }

    [Fact]
    public async Task AnAccountPrincipalMayNotCreateInAStoreAServiceManages()
    {
        var store = _world.Store(managedBy: "deployer");
        var refused = new CreateSecretsCommand(_world.Call(), StoreWorld.NewSecrets(store, "A"));
        var allowed = new CreateSecretsCommand(_world.Call(caller: _world.Service("deployer")), StoreWorld.NewSecrets(store, "A"));

        StoreWorld.Commit(store, refused, allowed);

        Assert.Equal(Errors.StoreManagedByService(), (await refused.Answer).Error);
        Assert.True((await allowed.Answer).Succeeded);
    }

    [Fact]
    public async Task APatchedValueIsSealedAgainAndMovesModifiedEvenWhenEqual()
    {
        var store = _world.Store(["A"]);
        var a = store.FindByName("A")!;
        var later = StoreWorld.Now.AddMinutes(1);
        var patch = new PatchSecretCommand(
            _world.Call(AuditActions.SecretPatch), a.Id, new SecretPatch(null, new SecretValue("value of A"), null, false, null), later);

        var draft = StoreWorld.Commit(store, patch);

        Assert.Equal(later, (await patch.Answer).Value!.Modified);
        var stored = draft.Find(a.Id)!;
        Assert.NotEqual(a.SealedValue, stored.SealedValue);
        Assert.Equal("value of A", store.Keys!.Open(stored));
        Assert.Equal((a.Id, "A", true, true), (draft.Audit[0].SecretId, draft.Audit[0].SecretName, draft.Audit[0].IsAllowed, draft.Audit[0].ValueModified));
    }

    [Fact]
    public async Task APatchThatChangesNothingWritesNoRowAndKeepsModified()
    {
        var store = _world.Store(["A"]);
        var a = store.FindByName("A")!;
        var patch = new PatchSecretCommand(
            _world.Call(AuditActions.SecretPatch), a.Id, new SecretPatch(null, null, ["workers"], true, null), StoreWorld.Now.AddMinutes(1));

        var draft = StoreWorld.Commit(store, patch);

        Assert.Equal(a.Modified, (await patch.Answer).Value!.Modified);
        Assert.False(draft.HasChanges);
        var record = Assert.Single(draft.Audit);
        Assert.Equal((true, false), (record.IsAllowed, record.ValueModified));
    }

    [Fact]
    public async Task APatchOfScopesAndCommentStoresThemCanonical()
    {
        var store = _world.Store(["A"]);
        var a = store.FindByName("A")!;
        var patch = new PatchSecretCommand(
            _world.Call(AuditActions.SecretPatch), a.Id, new SecretPatch(null, null, ["workers", "ai-gateway", "workers"], true, "note"), StoreWorld.Now);

        var draft = StoreWorld.Commit(store, patch);

        Assert.Equal(["ai-gateway", "workers"], (await patch.Answer).Value!.Scopes);
        Assert.Equal(("note", a.SealedValue), (draft.Find(a.Id)!.Comment, draft.Find(a.Id)!.SealedValue));
        Assert.False(Assert.Single(draft.Audit).ValueModified);
    }

    [Fact]
    public async Task APatchWithAValueThatIsRefusedDoesNotSayTheValueWasModified()
    {
        var store = _world.Store(["A"]);
        var patch = new PatchSecretCommand(
            _world.Call(AuditActions.SecretPatch), Guid.NewGuid(), new SecretPatch(null, new SecretValue("v"), null, false, null), StoreWorld.Now);

        var draft = StoreWorld.Commit(store, patch);

        Assert.False((await patch.Answer).Succeeded);
        var record = Assert.Single(draft.Audit);
        Assert.Equal((false, false), (record.IsAllowed, record.ValueModified));
    }

    [Fact]
    public async Task APatchOfASecretNotInTheStoreIsNotFoundAndRecordsTheId()
    {
        var store = _world.Store(["A"]);
        var missing = Guid.NewGuid();
        var patch = new PatchSecretCommand(
            _world.Call(AuditActions.SecretPatch), missing, new SecretPatch(null, null, null, true, "note"), StoreWorld.Now);

        var draft = StoreWorld.Commit(store, patch);

        Assert.Equal(Errors.SecretNotFound(), (await patch.Answer).Error);
        Assert.Equal((missing, (string?)null, "secret_not_found"), (draft.Audit[0].SecretId, draft.Audit[0].SecretName, draft.Audit[0].Error));
    }

    [Fact]
    public async Task ADuplicateCopiesTheValueUnderANewIdAndNamesItsSource()
    {
        var store = _world.Store(["A"]);
        var a = store.FindByName("A")!;
        var copyId = Guid.NewGuid();
        var duplicate = new DuplicateSecretCommand(
            _world.Call(AuditActions.SecretDuplicate), a.Id, new DuplicateSecret("COPY", ["workers"], "copied"), copyId, StoreWorld.Now);
        var quota = new QuotaBudget(1, 10);

        var draft = StoreWorld.Commit(store, quota, duplicate);

        Assert.Equal((copyId, "COPY"), ((await duplicate.Answer).Value!.Id, (await duplicate.Answer).Value!.Name));
        Assert.Equal("value of A", store.Keys!.Open(draft.Find(copyId)!));
        Assert.Equal(1, quota.Delta);
        var record = Assert.Single(draft.Audit);
        Assert.Equal((copyId, a.Id, "COPY"), (record.SecretId, record.SourceSecretId, record.SecretName));
    }

    [Fact]
    public async Task ADuplicateIsRefusedForATakenNameAMissingSourceOrAFullAccount()
    {
        var store = _world.Store(["A", "B"]);
        var a = store.FindByName("A")!;
        DuplicateSecretCommand Duplicate(Guid source, string name) =>
            new(_world.Call(AuditActions.SecretDuplicate), source, new DuplicateSecret(name, ["workers"], null), Guid.NewGuid(), StoreWorld.Now);
        var (taken, missing, full) = (Duplicate(a.Id, "B"), Duplicate(Guid.NewGuid(), "C"), Duplicate(a.Id, "D"));

        var draft = StoreWorld.Commit(store, new QuotaBudget(2, 2), taken, missing, full);

        Assert.Equal(Errors.SecretNameAlreadyExists("B", "/name"), (await taken.Answer).Error);
        Assert.Equal(Errors.SecretNotFound(), (await missing.Answer).Error);
        Assert.Equal(Errors.MaximumSecretsExceeded(_world.AccountId, 2, 2, 1), (await full.Answer).Error);
        Assert.False(draft.HasChanges);
        Assert.Equal(3, draft.Audit.Count(r => !r.IsAllowed));
    }

    [Fact]
    public async Task ADeleteRemovesASecretAndRecordsItWithTheDeletesStatus()
    {
        var store = _world.Store(["A", "B"]);
        var a = store.FindByName("A")!;
        var delete = new DeleteSecretsCommand(_world.Call(AuditActions.SecretDelete, allowedStatus: 202), [a.Id]);

        var draft = StoreWorld.Commit(store, delete);

        Assert.True((await delete.Answer).Succeeded);
        Assert.Equal([a.Id], ((IStoreChanges)draft).RemovedSecrets);
        var record = Assert.Single(draft.Audit);
        Assert.Equal((202, a.Id, "A"), (record.Status, record.SecretId, record.SecretName));
    }

    [Fact]
    public async Task ABulkDeleteRemovesEveryListedSecretOnceEachRecorded()
    {
        var store = _world.Store(["A", "B", "C"]);
        var (a, b) = (store.FindByName("A")!, store.FindByName("B")!);
        var delete = new DeleteSecretsCommand(_world.Call(AuditActions.SecretBulkDelete, allowedStatus: 202), [a.Id, b.Id, a.Id]);
        var quota = new QuotaBudget(3, 3);

        var draft = StoreWorld.Commit(store, quota, delete);

        Assert.True((await delete.Answer).Succeeded);
        Assert.Equal(1, draft.Count);
        Assert.Equal(-2, quota.Delta);
        Assert.Equal(["A", "B"], draft.Audit.Select(r => r.SecretName).Order());
    }

    [Fact]
    public async Task ABulkDeleteWithOneIdNotInTheStoreDeletesNothing()
    {
        var store = _world.Store(["A"]);
        var delete = new DeleteSecretsCommand(
            _world.Call(AuditActions.SecretBulkDelete, allowedStatus: 202), [store.FindByName("A")!.Id, null, Guid.NewGuid()]);

        var draft = StoreWorld.Commit(store, delete);

        Assert.Equal(Errors.SecretNotFound(), (await delete.Answer).Error);
        Assert.False(draft.HasChanges);
        var record = Assert.Single(draft.Audit);
        Assert.Equal((404, (Guid?)null), (record.Status, record.SecretId));
    }

    [Fact]
    public async Task DeletingAStoreThatHoldsSecretsNeedsForce()
    {
        var store = _world.Store(["A", "B"]);
        var unforced = new DeleteStoreCommand(_world.Call(AuditActions.StoreDelete), force: false);
        var forced = new DeleteStoreCommand(_world.Call(AuditActions.StoreDelete), force: true);

        var draft = StoreWorld.Commit(store, unforced, forced);

        Assert.Equal(Errors.StoreNotEmpty(2), (await unforced.Answer).Error);
        Assert.True((await forced.Answer).Succeeded);
        Assert.True(draft.StoreDeleted);
        Assert.Equal([false, true], draft.Audit.Select(r => r.IsAllowed));
    }

    [Fact]
    public async Task AfterTheStoreIsDeletedInABatchTheCommandsAfterItFindNoStore()
    {
        var store = _world.Store();
        var delete = new DeleteStoreCommand(_world.Call(AuditActions.StoreDelete), force: false);
        var create = new CreateSecretsCommand(_world.Call(), StoreWorld.NewSecrets(store, "A"));

        var draft = StoreWorld.Commit(store, delete, create);

        Assert.True((await delete.Answer).Succeeded);
        Assert.Equal(Errors.StoreNotFound(), (await create.Answer).Error);
        Assert.Empty(((IStoreChanges)draft).UpsertedSecrets);
    }

    [Fact]
    public async Task AValueReadByAServiceWhoseScopeMatchesAnswersTheSealedSecretByIdOrName()
    {
        var store = _world.Store(["A"]);
        var a = store.FindByName("A")!;
        var reader = _world.Service("worker", "workers");
        var byId = new ReadValueCommand(_world.Call(AuditActions.SecretReadValue, reader), a.Id, null);
        var byName = new ReadValueCommand(_world.Call(AuditActions.SecretReadValue, reader), null, "A");

        var draft = StoreWorld.Commit(store, byId, byName);

        Assert.Same(a, (await byId.Answer).Value);
        Assert.Same(a, (await byName.Answer).Value);
        Assert.False(draft.HasChanges);
        Assert.All(draft.Audit, r => Assert.Equal((true, a.Id, "A"), (r.IsAllowed, r.SecretId, r.SecretName)));
    }

    [Fact]
    public async Task AValueReadWithoutTheRightReadsAsNotFoundAndIsRecorded()
    {
        var store = _world.Store(["A"]);
        var a = store.FindByName("A")!;
        var read = new ReadValueCommand(_world.Call(AuditActions.SecretReadValue, _world.Service("other", "ai-gateway")), a.Id, null);

        var draft = StoreWorld.Commit(store, read);

        Assert.Equal(Errors.SecretNotFound(), (await read.Answer).Error);
        Assert.Equal((false, a.Id), (draft.Audit[0].IsAllowed, draft.Audit[0].SecretId));
    }

    [Fact]
    public async Task AValueReadByAServiceNotGrantedTheAccountIsRecordedForTheOperatorOnly()
    {
        var store = _world.Store(["A"]);
        var stranger = Caller.Service("stranger", ["workers"], AccountGrants.Only(Guid.NewGuid()));
        var read = new ReadValueCommand(_world.Call(AuditActions.SecretReadValue, stranger), null, "A");

        var draft = StoreWorld.Commit(store, read);

        Assert.Equal(Errors.AccountNotFound(), (await read.Answer).Error);
        var record = Assert.Single(draft.Audit);
        Assert.Equal(((Guid?)null, _world.AccountId, (Guid?)null), (record.AccountId, record.AddressedAccountId, record.SecretId));
    }

    [Fact]
    public async Task ARefusedRequestChangesNothingAndRecordsTheSecretItNamed()
    {
        var store = _world.Store(["A"]);
        var a = store.FindByName("A")!;
        var refused = new RefusedCommand<SecretView>(_world.Call(AuditActions.SecretPatch, Caller.Account(Permission.Read, "token:r")), Errors.ReadOnly(), a.Id);

        var draft = StoreWorld.Commit(store, refused);

        Assert.Equal(Errors.ReadOnly(), (await refused.Answer).Error);
        Assert.False(draft.HasChanges);
        var record = Assert.Single(draft.Audit);
        Assert.Equal((a.Id, "A", "token:r"), (record.SecretId, record.SecretName, record.Principal));
    }

    [Fact]
    public async Task ARecordNamesNoStoreOrSecretOfAnotherAccountsStore()
    {
        var foreign = _world.Store(["A"], accountId: Guid.NewGuid());
        var create = new CreateSecretsCommand(_world.Call(), StoreWorld.NewSecrets(foreign, "B"));

        var draft = StoreWorld.Commit(foreign, create);

        Assert.Equal(Errors.StoreNotFound(), (await create.Answer).Error);
        var record = Assert.Single(draft.Audit);
        Assert.Equal((foreign.StoreId, (string?)null, (string?)null), (record.StoreId, record.StoreName, record.SecretName));
    }

    [Fact]
    public async Task ACommandInAStoreThatWasNeverCreatedIsNotFound()
    {
        var missing = StoreWorld.Missing();
        var delete = new DeleteSecretsCommand(_world.Call(AuditActions.SecretDelete, allowedStatus: 202), [Guid.NewGuid()]);

        var draft = StoreWorld.Commit(missing, new QuotaBudget(0, 0), delete);

        Assert.Equal(Errors.StoreNotFound(), (await delete.Answer).Error);
        Assert.False(draft.HasChanges);
    }
}
