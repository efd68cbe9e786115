using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Rules;
using SecretsStore.Grains.Storage;
using SecretsStore.Grains.Writes;

namespace SecretsStore.Grains;

/// <summary>
/// Checks run in the order of the wire contract: permission, then input, then existence, then ownership, then state.
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

    private StoreSnapshot Store => _writes.Store;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _writes.Load(await StorageFaults.GuardAsync(() => storage.LoadAsync(this.GetPrimaryKey(), cancellationToken), logger));
        _writes.LostTrack += this.DeactivateOnIdle;
    }

    public Task<Outcome<StoreView>> GetAsync(Caller caller, Guid accountId) =>
        Task.FromResult(StoreAccess.CheckVisible(Store, caller, accountId) is { } hidden ? hidden : (Outcome<StoreView>)Store.Row!.ToView());

    public Task<Outcome<IReadOnlyList<SecretView>>> CreateSecretsAsync(Caller caller, Guid accountId, IReadOnlyList<NewSecret> items)
    {
        var refusal = StoreAccess.CheckPermission(caller)
            ?? (items.Count is 0 or > SecretRules.MaxBatch ? Errors.InvalidJsonBody($"expected 1 to {SecretRules.MaxBatch} secrets") : null)
            ?? items.Select((item, i) => rules.ValidateNew(item, $"/{i}")).FirstOrDefault(e => e is not null)
            ?? StoreAccess.CheckVisible(Store, caller, accountId);
        if (refusal is not null)
        {
            return Task.FromResult<Outcome<IReadOnlyList<SecretView>>>(refusal);
        }

        var now = Timestamps.Now(clock);
        var secrets = items.Select(item =>
        {
            var id = Guid.NewGuid();
            return new SecretRecord(id, item.Name!, now, now, item.Comment, ScopeSet.Canonical(item.Scopes!), Store.Keys!.Seal(id, item.Value!));
        }).ToList();
        return _writes.SubmitAsync(new CreateSecretsCommand(caller, accountId, secrets));
    }

    public Task<Outcome<Page<SecretView>>> ListSecretsAsync(Caller caller, Guid accountId, ListRequest query)
    {
        if (StoreAccess.CheckVisible(Store, caller, accountId) is { } hidden)
        {
            return Task.FromResult<Outcome<Page<SecretView>>>(hidden);
        }

        var parsed = ListQuery.Parse(query, ListQuery.SecretOrders, scopes);
        if (!parsed.Succeeded)
        {
            return Task.FromResult<Outcome<Page<SecretView>>>(parsed.Error!);
        }

        var list = parsed.Value!;
        var matching = Store.Secrets.Where(s => Matches(s, list));
        var page = Paging.Apply(matching, list, SortKey(list.Order), s => s.Id);
        var views = new Page<SecretView>(page.Items.Select(s => s.ToView(Store.StoreId)).ToList(), page.Number, page.PerPage, page.TotalCount);
        return Task.FromResult<Outcome<Page<SecretView>>>(views);
    }

    public Task<Outcome<SecretView>> GetSecretAsync(Caller caller, Guid accountId, Guid secretId)
    {
        var refusal = StoreAccess.CheckVisible(Store, caller, accountId);
        var secret = Store.Find(secretId);
        return Task.FromResult(refusal ?? (secret is null ? Errors.SecretNotFound() : (Outcome<SecretView>)secret.ToView(Store.StoreId)));
    }

    public Task<Outcome<SecretView>> PatchSecretAsync(Caller caller, Guid accountId, Guid secretId, SecretPatch patch)
    {
        // Input is judged before existence; a secret that is not there has no name to keep, so any passes. Names never
        // change, so the committed one is the one to keep.
        var refusal = StoreAccess.CheckPermission(caller)
            ?? rules.ValidatePatch(patch, Store.Find(secretId)?.Name ?? patch.Name ?? "")
            ?? StoreAccess.CheckVisible(Store, caller, accountId);
        return refusal is not null
            ? Task.FromResult<Outcome<SecretView>>(refusal)
            : _writes.SubmitAsync(new PatchSecretCommand(caller, accountId, secretId, patch, Timestamps.Now(clock)));
    }

    public Task<Outcome<Done>> DeleteSecretAsync(Caller caller, Guid accountId, Guid secretId) =>
        DeleteAsync(caller, accountId, [secretId]);

    public Task<Outcome<Done>> DeleteSecretsAsync(Caller caller, Guid accountId, IReadOnlyList<string> ids)
    {
        if (ids.Count is 0 or > MaxBulkDelete)
        {
            return Task.FromResult<Outcome<Done>>(StoreAccess.CheckPermission(caller) ?? Errors.InvalidIds($"expected 1 to {MaxBulkDelete} ids", "/ids"));
        }

        return DeleteAsync(caller, accountId, ids.Select(id => Guid.TryParseExact(id, "N", out var secretId) ? secretId : (Guid?)null).ToList());
    }

    public Task<Outcome<SecretView>> DuplicateSecretAsync(Caller caller, Guid accountId, Guid secretId, DuplicateSecret request)
    {
        var refusal = StoreAccess.CheckPermission(caller)
            ?? rules.ValidateDuplicate(request)
            ?? StoreAccess.CheckVisible(Store, caller, accountId);
        return refusal is not null
            ? Task.FromResult<Outcome<SecretView>>(refusal)
            : _writes.SubmitAsync(new DuplicateSecretCommand(caller, accountId, secretId, request, Guid.NewGuid(), Timestamps.Now(clock)));
    }

    public Task<Outcome<Done>> DeleteAsync(Caller caller, Guid accountId, bool force)
    {
        var refusal = StoreAccess.CheckPermission(caller) ?? StoreAccess.CheckVisible(Store, caller, accountId);
        return refusal is not null
            ? Task.FromResult<Outcome<Done>>(refusal)
            : _writes.SubmitAsync(new DeleteStoreCommand(caller, accountId, force));
    }

    private Task<Outcome<Done>> DeleteAsync(Caller caller, Guid accountId, IReadOnlyList<Guid?> secretIds)
    {
        var refusal = StoreAccess.CheckPermission(caller) ?? StoreAccess.CheckVisible(Store, caller, accountId);
        return refusal is not null
            ? Task.FromResult<Outcome<Done>>(refusal)
            : _writes.SubmitAsync(new DeleteSecretsCommand(caller, accountId, secretIds));
    }

    private static bool Matches(SecretRecord secret, ListQuery query) =>
        (query.Search is null
            || secret.Name.Contains(query.Search, StringComparison.OrdinalIgnoreCase)
            || (secret.Comment?.Contains(query.Search, StringComparison.OrdinalIgnoreCase) ?? false))
        && query.Scopes.All(scope => secret.Scopes.Contains(scope, StringComparer.Ordinal));

    private static Func<SecretRecord, IComparable?> SortKey(string order) => order switch
    {
        "name" => s => s.Name,
        "comment" => s => s.Comment,
        "modified" => s => s.Modified,
        // Every listed secret is active, so ordering by status leaves the id to break the tie.
        "status" => _ => null,
        _ => s => s.Created,
    };
}
