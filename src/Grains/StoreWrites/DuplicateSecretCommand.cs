using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Rules;
using SecretsStore.Persistence.Audit;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.Grains.StoreWrites;

/// <summary>Copies a secret's value into a new secret; the plaintext exists only inside this store's commit.</summary>
public sealed class DuplicateSecretCommand(AuditedCall audit, Guid sourceId, DuplicateSecret request, Guid copyId, DateTime now)
    : StoreCommand<SecretView>(audit)
{
    protected override Outcome<SecretView> Decide(StoreDraft draft)
    {
        var source = draft.IsLive ? draft.Find(sourceId) : null;
        var refusal = StoreAccess.CheckVisible(draft, Audit.Caller, Audit.AccountId)
            ?? (source is null ? Errors.SecretNotFound() : null)
            ?? StoreAccess.CheckOwnership(draft.Committed.Row!, Audit.Caller)
            ?? NameRules.FirstTaken([request.Name!], draft.HasName, _ => "/name")
            ?? draft.Reserve(1, Audit.AccountId);
        if (refusal is not null)
        {
            return refusal;
        }

        var keys = draft.Committed.Keys!;
        var copy = new SecretRecord(
            copyId, request.Name!, now, now, request.Comment, ScopeSet.Canonical(request.Scopes!),
            keys.Seal(copyId, new SecretValue(keys.Open(source!))));
        draft.Add(copy);
        return copy.ToView(draft.Committed.StoreId);
    }

    /// <summary>The record names the copy (what was created) and the source (whose value it holds).</summary>
    protected override IEnumerable<AuditRecord> Records(StoreDraft draft, Outcome<SecretView> outcome) =>
    [
        Audit.Record(draft.Committed, outcome.Error, outcome.Succeeded ? copyId : null, request.Name) with { SourceSecretId = sourceId },
    ];
}
