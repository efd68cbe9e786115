using Microsoft.Extensions.Logging;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Crypto;
using SecretsStore.Grains.Rules;
using SecretsStore.Grains.State;
using SecretsStore.Grains.Storage;

namespace SecretsStore.Grains;

/// <summary>
/// Checks run in the order of API.md §6: permission, then input, then existence, then ownership, then state.
/// </summary>
public sealed class StoreGrain(
    [PersistentState(StorageNames.StoreState, StorageNames.Provider)] IPersistentState<StoreState> persistent,
    ValueCipher cipher,
    SecretRules rules,
    ScopeSet scopes,
    TimeProvider clock,
    ILogger<StoreGrain> logger) : Grain, IStoreGrain
{
    public const int MaxBulkDelete = 1_000;

    private readonly IStoreStorage _storage = new WholeStateStoreStorage(persistent);
    private Dictionary<string, Guid> _idsByName = [];
    private int _committedCount;
    private bool _writeInFlight;
    private byte[]? _dataKey;

    private StoreState State => _storage.State;
    private Guid StoreId => this.GetPrimaryKey();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        IndexCommittedState();
        return Task.CompletedTask;
    }

    public Task<Outcome<StoreView>> GetAsync(Caller caller, Guid accountId) =>
        Task.FromResult<Outcome<StoreView>>(CheckVisible(caller, accountId) ?? (Outcome<StoreView>)ToView());

    public async Task<Outcome<IReadOnlyList<SecretView>>> CreateSecretsAsync(Caller caller, Guid accountId, IReadOnlyList<NewSecret> items)
    {
        var refusal = CheckPermission(caller)
            ?? (items.Count is 0 or > SecretRules.MaxBatch ? Errors.InvalidJsonBody($"expected 1 to {SecretRules.MaxBatch} secrets") : null)
            ?? items.Select((item, i) => rules.ValidateNew(item, $"/{i}")).FirstOrDefault(e => e is not null)
            ?? CheckVisible(caller, accountId)
            ?? CheckOwnership(caller)
            ?? CheckNamesFree(items.Select(i => i.Name!).ToList(), i => $"/{i}/name");
        if (refusal is not null)
        {
            return refusal;
        }

        var now = Timestamps.Now(clock);
        var created = items.Select(item => Seal(Guid.NewGuid(), item.Name!, now, now, item.Comment, item.Scopes!, item.Value!)).ToList();
        var commit = await CommitWithQuotaAsync(created.Count, () =>
        {
            foreach (var secret in created)
            {
                State.Secrets[secret.Id] = secret;
            }

            return new StoreChange(created.Select(s => s.Id).ToList(), []);
        });
        return commit ?? (Outcome<IReadOnlyList<SecretView>>)created.Select(ToView).ToList();
    }

    public Task<Outcome<Page<SecretView>>> ListSecretsAsync(Caller caller, Guid accountId, ListRequest query)
    {
        if (CheckVisible(caller, accountId) is { } hidden)
        {
            return Task.FromResult<Outcome<Page<SecretView>>>(hidden);
        }

        var parsed = ListQuery.Parse(query, ListQuery.SecretOrders, scopes);
        if (!parsed.Succeeded)
        {
            return Task.FromResult<Outcome<Page<SecretView>>>(parsed.Error!);
        }

        var list = parsed.Value!;
        var matching = State.Secrets.Values.Where(s => Matches(s, list)).Select(ToView);
        var page = Paging.Apply(matching, list, SortKey(list.Order), s => s.Id);
        return Task.FromResult<Outcome<Page<SecretView>>>(page);
    }

    public Task<Outcome<SecretView>> GetSecretAsync(Caller caller, Guid accountId, Guid secretId)
    {
        var refusal = CheckVisible(caller, accountId) ?? CheckSecretExists(secretId);
        return Task.FromResult(refusal ?? (Outcome<SecretView>)ToView(State.Secrets[secretId]));
    }

    public async Task<Outcome<SecretView>> PatchSecretAsync(Caller caller, Guid accountId, Guid secretId, SecretPatch patch)
    {
        var existing = State.Lifecycle == StoreLifecycle.Active ? State.Secrets.GetValueOrDefault(secretId) : null;
        // Input is judged before existence (API.md §6); a secret that is not there has no name to keep, so any passes.
        var refusal = CheckPermission(caller)
            ?? rules.ValidatePatch(patch, existing?.Name ?? patch.Name ?? "")
            ?? CheckVisible(caller, accountId)
            ?? CheckSecretExists(secretId)
            ?? CheckOwnership(caller);
        if (refusal is not null)
        {
            return refusal;
        }

        var updated = ApplyPatch(existing!, patch);
        if (updated == existing)
        {
            return ToView(existing);
        }

        State.Secrets[secretId] = updated;
        await CommitAsync(new StoreChange([secretId], []));
        return ToView(updated);
    }

    public async Task<Outcome<Done>> DeleteSecretAsync(Caller caller, Guid accountId, Guid secretId)
    {
        var refusal = CheckPermission(caller)
            ?? CheckVisible(caller, accountId)
            ?? CheckSecretExists(secretId)
            ?? CheckOwnership(caller);
        if (refusal is not null)
        {
            return refusal;
        }

        await RemoveSecretsAsync([secretId]);
        return Done.Value;
    }

    public async Task<Outcome<Done>> DeleteSecretsAsync(Caller caller, Guid accountId, IReadOnlyList<string> ids)
    {
        var refusal = CheckPermission(caller)
            ?? (ids.Count is 0 or > MaxBulkDelete ? Errors.InvalidIds($"expected 1 to {MaxBulkDelete} ids", "/ids") : null)
            ?? CheckVisible(caller, accountId);
        if (refusal is not null)
        {
            return refusal;
        }

        var secretIds = new HashSet<Guid>();
        foreach (var id in ids)
        {
            if (!Guid.TryParseExact(id, "N", out var secretId) || !State.Secrets.ContainsKey(secretId))
            {
                return Errors.SecretNotFound();
            }

            secretIds.Add(secretId);
        }

        if (CheckOwnership(caller) is { } notOwner)
        {
            return notOwner;
        }

        await RemoveSecretsAsync(secretIds);
        return Done.Value;
    }

    public async Task<Outcome<SecretView>> DuplicateSecretAsync(Caller caller, Guid accountId, Guid secretId, DuplicateSecret request)
    {
        var refusal = CheckPermission(caller)
            ?? rules.ValidateDuplicate(request)
            ?? CheckVisible(caller, accountId)
            ?? CheckSecretExists(secretId)
            ?? CheckOwnership(caller)
            ?? CheckNamesFree([request.Name!], _ => "/name");
        if (refusal is not null)
        {
            return refusal;
        }

        var source = State.Secrets[secretId];
        var now = Timestamps.Now(clock);
        var copy = Seal(Guid.NewGuid(), request.Name!, now, now, request.Comment, request.Scopes!, new SecretValue(Unseal(source)));
        var commit = await CommitWithQuotaAsync(1, () =>
        {
            State.Secrets[copy.Id] = copy;
            return new StoreChange([copy.Id], []);
        });
        return commit ?? (Outcome<SecretView>)ToView(copy);
    }

    public async Task InitializeAsync(StoreView store)
    {
        if (State.Lifecycle != StoreLifecycle.Missing)
        {
            return; // Already created (a retried call), or deleted: a deleted store is never brought back.
        }

        State.Lifecycle = StoreLifecycle.Active;
        State.AccountId = store.AccountId;
        State.Name = store.Name;
        State.Created = store.Created;
        State.Modified = store.Modified;
        State.ManagedBy = store.ManagedBy;
        (_dataKey, State.DataKey) = cipher.NewDataKey(store.AccountId, StoreId);
        await CommitAsync(StoreChange.MetadataOnly);
    }

    public async Task<Outcome<Done>> DeleteAsync(Caller caller, Guid accountId, bool force)
    {
        var refusal = CheckPermission(caller)
            ?? CheckVisible(caller, accountId)
            ?? CheckOwnership(caller)
            ?? (State.Secrets.Count > 0 && !force ? Errors.StoreNotEmpty() : null);
        if (refusal is not null)
        {
            return refusal;
        }

        // A tombstone rather than a cleared row: the quota grain can then tell "deleted" from "never created".
        var removed = State.Secrets.Keys.ToList();
        State.Lifecycle = StoreLifecycle.Deleted;
        State.Secrets.Clear();
        State.DataKey = null;
        await CommitAsync(new StoreChange([], removed));
        _dataKey = null;
        return Done.Value;
    }

    public Task<StoreStatus> GetStatusAsync() =>
        Task.FromResult(new StoreStatus(State.Lifecycle, _committedCount, _writeInFlight));

    private StoreError? CheckPermission(Caller caller) =>
        caller.CanWrite ? null : Errors.Forbidden();

    /// <summary>A store of another account, or one the caller may not see, is indistinguishable from no store.</summary>
    private StoreError? CheckVisible(Caller caller, Guid accountId)
    {
        if (State.Lifecycle != StoreLifecycle.Active || State.AccountId != accountId)
        {
            return Errors.StoreNotFound();
        }

        return caller.Kind == CallerKind.Service && State.ManagedBy != caller.ServiceName ? Errors.StoreNotFound() : null;
    }

    /// <summary>Account principals may read a store a service manages, but not change it.</summary>
    private StoreError? CheckOwnership(Caller caller) =>
        caller.Kind == CallerKind.Account && State.ManagedBy is not null ? Errors.StoreManagedByService() : null;

    private StoreError? CheckSecretExists(Guid secretId) =>
        State.Secrets.ContainsKey(secretId) ? null : Errors.SecretNotFound();

    private StoreError? CheckNamesFree(IReadOnlyList<string> names, Func<int, string> pointer)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            if (_idsByName.ContainsKey(names[i]) || !seen.Add(names[i]))
            {
                return Errors.SecretNameAlreadyExists(names[i], pointer(i));
            }
        }

        return null;
    }

    /// <summary>
    /// Asks the account for room, applies the change and commits it, then reports the durable count so the
    /// reservation is released whether or not the write landed.
    /// </summary>
    private async Task<StoreError?> CommitWithQuotaAsync(int additional, Func<StoreChange> apply)
    {
        var account = GrainFactory.GetGrain<IAccountQuotaGrain>(State.AccountId);
        _writeInFlight = true;
        try
        {
            if (!await account.ReserveSecretsAsync(StoreId, _committedCount, additional))
            {
                return Errors.MaximumSecretsExceeded();
            }

            await CommitAsync(apply());
            return null;
        }
        finally
        {
            _writeInFlight = false;
            await ReportCountAsync(account);
        }
    }

    private async Task RemoveSecretsAsync(IReadOnlyCollection<Guid> secretIds)
    {
        foreach (var id in secretIds)
        {
            State.Secrets.Remove(id);
        }

        await CommitAsync(new StoreChange([], secretIds));
        await ReportCountAsync(GrainFactory.GetGrain<IAccountQuotaGrain>(State.AccountId));
    }

    private async Task CommitAsync(StoreChange change)
    {
        try
        {
            await _storage.CommitAsync(change);
        }
        finally
        {
            IndexCommittedState();
        }
    }

    /// <summary>A failed report only delays the count: the quota grain reconciles from the stores.</summary>
    private async Task ReportCountAsync(IAccountQuotaGrain account)
    {
        try
        {
            await account.ReportSecretCountAsync(StoreId, _committedCount);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not report the secret count of store {StoreId}; the account will reconcile it", StoreId);
        }
    }

    private void IndexCommittedState()
    {
        _idsByName = State.Secrets.Values.ToDictionary(s => s.Name, s => s.Id, StringComparer.Ordinal);
        _committedCount = State.Secrets.Count;
    }

    private SecretRecord ApplyPatch(SecretRecord existing, SecretPatch patch)
    {
        var scopesChanged = patch.Scopes is not null && !ScopeSet.Canonical(patch.Scopes).SequenceEqual(existing.Scopes);
        var commentChanged = patch.HasComment && patch.Comment != existing.Comment;
        var valueChanged = patch.Value is not null && patch.Value.Reveal() != Unseal(existing);
        if (!scopesChanged && !commentChanged && !valueChanged)
        {
            return existing;
        }

        // An unchanged value keeps its ciphertext: nothing to decrypt and seal again.
        return existing with
        {
            Modified = Timestamps.Now(clock),
            Comment = commentChanged ? patch.Comment : existing.Comment,
            Scopes = scopesChanged ? ScopeSet.Canonical(patch.Scopes!) : existing.Scopes,
            SealedValue = valueChanged ? SealValue(existing.Id, patch.Value!) : existing.SealedValue,
        };
    }

    private SecretRecord Seal(Guid id, string name, DateTime created, DateTime modified, string? comment, IEnumerable<string> secretScopes, SecretValue value) =>
        new(id, name, created, modified, comment, ScopeSet.Canonical(secretScopes), SealValue(id, value));

    private byte[] SealValue(Guid secretId, SecretValue value) =>
        cipher.Encrypt(DataKey(), State.AccountId, StoreId, secretId, value.Reveal());

    private string Unseal(SecretRecord secret) =>
        cipher.Decrypt(DataKey(), State.AccountId, StoreId, secret.Id, secret.SealedValue);

    private byte[] DataKey() =>
        _dataKey ??= cipher.Unwrap(State.DataKey ?? throw new InvalidOperationException("The store has no data key."), State.AccountId, StoreId);

    private static bool Matches(SecretRecord secret, ListQuery query) =>
        (query.Search is null
            || secret.Name.Contains(query.Search, StringComparison.OrdinalIgnoreCase)
            || (secret.Comment?.Contains(query.Search, StringComparison.OrdinalIgnoreCase) ?? false))
        && query.Scopes.All(scope => secret.Scopes.Contains(scope, StringComparer.Ordinal));

    private static Func<SecretView, IComparable?> SortKey(string order) => order switch
    {
        "name" => s => s.Name,
        "comment" => s => s.Comment,
        "modified" => s => s.Modified,
        "status" => s => s.Status,
        _ => s => s.Created,
    };

    private StoreView ToView() =>
        new(StoreId, State.Name, State.AccountId, State.Created, State.Modified, State.ManagedBy);

    private SecretView ToView(SecretRecord secret) =>
        new(secret.Id, secret.Name, StoreId, secret.Created, secret.Modified, "active", secret.Comment, secret.Scopes);
}
