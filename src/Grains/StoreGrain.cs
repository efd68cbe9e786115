using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Rules;
using SecretsStore.Grains.StoreWrites;
using SecretsStore.Persistence.Audit;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.Grains;

/// <summary>
/// Checks run in the order of the wire contract: permission, then the account (a service not granted it is answered as
/// for an account that does not exist), then input, then existence, then ownership, then state.
/// What needs no state (permission, input, sealing values) is done here, at once; the rest is decided by each write
/// command inside its commit, against the store as the commands before it left it.
/// </summary>
/// <remarks>
/// Reentrant so that writes arriving while a commit is in flight join the next one. Reads never wait: they answer
/// from the committed snapshot, which changes only between turns, when a commit has become durable.
/// </remarks>
[Reentrant]
public sealed class StoreGrain(
    IStoreStorage storage,
    SecretRules rules,
    ScopeSet scopes,
    TimeProvider clock,
    IOptions<SecretsStoreOptions> options,
    ILogger<StoreGrain> logger) : Grain, IStoreGrain
{
    public const int MaxBulkDelete = 1_000;

    private readonly StoreWriteQueue _writes = new(storage, options.Value.Storage.MaxRequestsPerCommit, logger);
    private readonly KeyedWrites _keys = new(storage, logger);

    private StoreSnapshot Store => _writes.Store;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var recentKeys = RecentKeysAsync(cancellationToken);
        _writes.Load(await StorageFaults.GuardAsync(() => storage.LoadAsync(this.GetPrimaryKey(), cancellationToken), logger));
        _keys.Load(await recentKeys);
        _writes.LostTrack += this.DeactivateOnIdle;
        _writes.StoreDeleted += this.DeactivateOnIdle;
    }

    /// <summary>Orleans runs this only once no request of this activation is running, so no seal or open is cut short.</summary>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _writes.Unload();
        return Task.CompletedTask;
    }

    public Task<Outcome<StoreView>> GetAsync(Caller caller, Guid accountId) =>
        Task.FromResult(StoreAccess.CheckVisible(Store, caller, accountId) is { } hidden ? hidden : (Outcome<StoreView>)Store.Row!.ToView());

    public Task<Outcome<IReadOnlyList<SecretView>>> CreateSecretsAsync(Caller caller, Guid accountId, IReadOnlyList<NewSecret> items) =>
        KeyedAsync(Audited(caller, accountId, AuditActions.SecretCreate), audit => CreateSecretsAsync(audit, items));

    private Task<Outcome<IReadOnlyList<SecretView>>> CreateSecretsAsync(AuditedCall audit, IReadOnlyList<NewSecret> items)
    {
        var caller = audit.Caller;
        var accountId = audit.AccountId;
        var refusal = StoreAccess.CheckPermission(caller)
            ?? StoreAccess.CheckAccount(caller, accountId)
            ?? (items.Count is 0 or > SecretRules.MaxBatch ? Errors.SecretBatchSize(SecretRules.MaxBatch) : null)
            ?? items.Select((item, i) => rules.ValidateNew(item, $"/{i}")).FirstOrDefault(e => e is not null)
            ?? StoreAccess.CheckVisible(Store, caller, accountId);
        if (refusal is not null)
        {
            var named = items.Count == 1 && items[0].Name is { } name && NameRules.IsValid(name) ? name : null;
            return _writes.SubmitAsync(new RefusedCommand<IReadOnlyList<SecretView>>(audit, refusal, secretName: named));
        }

        var secrets = items.Select(item =>
        {
            var id = Guid.NewGuid();
            return new SecretRecord(id, item.Name!, audit.At, audit.At, item.Comment, ScopeSet.Canonical(item.Scopes!), Store.Keys!.Seal(id, item.Value!));
        }).ToList();
        return _writes.SubmitOnceAsync(audit, new CreateSecretsCommand(audit, secrets), firstRun => firstRun
            .Select(r => Committed(r.SecretId))
            .OfType<SecretRecord>()
            .Select(s => s.ToView(Store.StoreId))
            .ToList());
    }

    public Task<Outcome<Page<SecretView>>> ListSecretsAsync(Caller caller, Guid accountId, ListRequest query)
    {
        var hidden = StoreAccess.CheckVisible(Store, caller, accountId);
        return Task.FromResult(hidden ?? SecretListing.List(Store.Secrets, Store.StoreId, query, scopes));
    }

    public Task<Outcome<SecretView>> GetSecretAsync(Caller caller, Guid accountId, Guid secretId)
    {
        var refusal = StoreAccess.CheckVisible(Store, caller, accountId);
        var secret = Store.Find(secretId);
        return Task.FromResult(refusal ?? (secret is null ? Errors.SecretNotFound() : (Outcome<SecretView>)secret.ToView(Store.StoreId)));
    }

    public Task<Outcome<SecretView>> PatchSecretAsync(Caller caller, Guid accountId, Guid secretId, SecretPatch patch) =>
        KeyedAsync(Audited(caller, accountId, AuditActions.SecretPatch), audit => PatchSecretAsync(audit, secretId, patch));

    private Task<Outcome<SecretView>> PatchSecretAsync(AuditedCall audit, Guid secretId, SecretPatch patch)
    {
        // Input is judged before existence; a secret that is not there has no name to keep, so any passes. Names never
        // change, so the committed one is the one to keep.
        var caller = audit.Caller;
        var accountId = audit.AccountId;
        var refusal = StoreAccess.CheckPermission(caller)
            ?? StoreAccess.CheckAccount(caller, accountId)
            ?? rules.ValidatePatch(patch, Store.Find(secretId)?.Name ?? patch.Name ?? "")
            ?? StoreAccess.CheckVisible(Store, caller, accountId);
        return refusal is not null
            ? _writes.SubmitAsync(new RefusedCommand<SecretView>(audit, refusal, secretId))
            : _writes.SubmitOnceAsync(audit, new PatchSecretCommand(audit, secretId, patch, audit.At), _ => ViewOf(secretId));
    }

    public Task<Outcome<Done>> DeleteSecretAsync(Caller caller, Guid accountId, Guid secretId) =>
        KeyedAsync(Audited(caller, accountId, AuditActions.SecretDelete, 202), audit => DeleteAsync(audit, [secretId]));

    public Task<Outcome<Done>> DeleteSecretsAsync(Caller caller, Guid accountId, IReadOnlyList<string> ids) =>
        KeyedAsync(Audited(caller, accountId, AuditActions.SecretBulkDelete, 202), audit => DeleteSecretsAsync(audit, ids));

    private Task<Outcome<Done>> DeleteSecretsAsync(AuditedCall audit, IReadOnlyList<string> ids)
    {
        if (ids.Count is 0 or > MaxBulkDelete)
        {
            var refusal = StoreAccess.CheckPermission(audit.Caller) ?? StoreAccess.CheckAccount(audit.Caller, audit.AccountId) ?? Errors.BulkDeleteSize(MaxBulkDelete);
            return _writes.SubmitAsync(new RefusedCommand<Done>(audit, refusal));
        }

        return DeleteAsync(audit, ids.Select(id => Guid.TryParseExact(id, "N", out var secretId) ? secretId : (Guid?)null).ToList());
    }

    public Task<Outcome<SecretView>> DuplicateSecretAsync(Caller caller, Guid accountId, Guid secretId, DuplicateSecret request) =>
        KeyedAsync(Audited(caller, accountId, AuditActions.SecretDuplicate), audit => DuplicateSecretAsync(audit, secretId, request));

    private Task<Outcome<SecretView>> DuplicateSecretAsync(AuditedCall audit, Guid secretId, DuplicateSecret request)
    {
        var caller = audit.Caller;
        var accountId = audit.AccountId;
        var refusal = StoreAccess.CheckPermission(caller)
            ?? StoreAccess.CheckAccount(caller, accountId)
            ?? rules.ValidateDuplicate(request)
            ?? StoreAccess.CheckVisible(Store, caller, accountId);
        return refusal is not null
            ? _writes.SubmitAsync(new RefusedCommand<SecretView>(audit, refusal, secretId))
            : _writes.SubmitOnceAsync(audit, new DuplicateSecretCommand(audit, secretId, request, Guid.NewGuid(), audit.At), firstRun => ViewOf(firstRun[0].SecretId));
    }

    public Task<Outcome<RevealedSecret>> ReadValueAsync(Caller caller, Guid accountId, Guid secretId) =>
        ReadValueAsync(Audited(caller, accountId, AuditActions.SecretReadValue), secretId, null);

    public Task<Outcome<RevealedSecret>> ReadValueByNameAsync(Caller caller, Guid accountId, string name) =>
        ReadValueAsync(Audited(caller, accountId, AuditActions.SecretReadValue), null, name);

    public Task<Outcome<Done>> DeleteAsync(Caller caller, Guid accountId, bool force)
    {
        var audit = Audited(caller, accountId, AuditActions.StoreDelete);
        var refusal = StoreAccess.CheckPermission(caller) ?? StoreAccess.CheckVisible(Store, caller, accountId);
        // A repeat of a delete that committed finds the store gone: it is answered from the first run, not refused.
        return refusal is not null
            ? _writes.SubmitOnceAsync(audit, new RefusedCommand<Done>(audit, refusal), _ => Done.Value)
            : _writes.SubmitOnceAsync(audit, new DeleteStoreCommand(audit, force), _ => Done.Value);
    }

    private Task<Outcome<Done>> DeleteAsync(AuditedCall audit, IReadOnlyList<Guid?> secretIds)
    {
        var refusal = StoreAccess.CheckPermission(audit.Caller) ?? StoreAccess.CheckVisible(Store, audit.Caller, audit.AccountId);
        return refusal is not null
            ? _writes.SubmitAsync(new RefusedCommand<Done>(audit, refusal, secretIds.Count == 1 ? secretIds[0] : null))
            : _writes.SubmitOnceAsync(audit, new DeleteSecretsCommand(audit, secretIds), _ => Done.Value);
    }

    /// <summary>
    /// The value is opened here, in the store's own grain, and only after the read's audit record has committed. Only
    /// services read values; a name that cannot be a name is refused as input before anything is looked up.
    /// </summary>
    private async Task<Outcome<RevealedSecret>> ReadValueAsync(AuditedCall audit, Guid? secretId, string? name)
    {
        var refusal = ValueAccess.CheckReader(audit.Caller)
            ?? StoreAccess.CheckAccount(audit.Caller, audit.AccountId)
            ?? (name is not null && !NameRules.IsValid(name) ? Errors.SecretNameInvalid(null) : null);
        var read = refusal is null
            ? await _writes.SubmitOnceAsync(audit, new ReadValueCommand(audit, secretId, name), firstRun => RecordOf(firstRun[0].SecretId))
            : await _writes.SubmitAsync(new RefusedCommand<SecretRecord>(audit, refusal, secretId));
        if (!read.Succeeded)
        {
            return read.Error;
        }

        var secret = read.Value;
        return new RevealedSecret(secret.Id, secret.Name, new SecretValue(Store.Keys!.Open(secret)));
    }

    /// <summary>The secret a first run's audit record names, as the store holds it now (null if since deleted).</summary>
    private SecretRecord? Committed(Guid? secretId) => secretId is { } id ? Store.Find(id) : null;

    private Outcome<SecretView> ViewOf(Guid? secretId) =>
        Committed(secretId) is { } secret ? secret.ToView(Store.StoreId) : Errors.SecretNotFound();

    private Outcome<SecretRecord> RecordOf(Guid? secretId) =>
        Committed(secretId) is { } secret ? secret : Errors.SecretNotFound();

    /// <summary>
    /// A write of the store's secrets: keyed when the gateway sent it as a keyed store write, and then decided here
    /// (<see cref="KeyedWrites"/>); else submitted as it came.
    /// </summary>
    private Task<Outcome<T>> KeyedAsync<T>(AuditedCall audit, Func<AuditedCall, Task<Outcome<T>>> write)
    {
        var keyed = KeyedWrites.Keyed(audit);
        return keyed.Keyed is { } key ? _keys.SubmitAsync(key, () => write(keyed)) : write(audit);
    }

    /// <summary>The keys of the store's recent keyed writes, for <see cref="KeyedWrites"/>: a hint, so a failure costs only a look-up later.</summary>
    private async Task<IReadOnlyList<RecentKey>> RecentKeysAsync(CancellationToken ct)
    {
        try
        {
            return await storage.RecentKeysAsync(this.GetPrimaryKey(), KeyedWrites.Remembered, ct);
        }
        catch (Exception ex) when (StorageFaults.IsStorageFault(ex))
        {
            logger.LogWarning(ex, "Store {StoreId}: its recent Idempotency-Keys could not be loaded; they are looked up as they come", this.GetPrimaryKey());
            return [];
        }
    }

    private AuditedCall Audited(Caller caller, Guid accountId, string action, int allowedStatus = 200) =>
        new(caller, accountId, action, Timestamps.Now(clock), allowedStatus);
}
