using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Abstractions.Audit;
using SecretsStore.Grains.Audit;
using SecretsStore.Grains.Rules;
using SecretsStore.Grains.Storage;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.Grains.Writes;

/// <summary>Changes a secret's value, scopes or comment; <c>modified</c> moves only when something changed.</summary>
public sealed class PatchSecretCommand(AuditedCall audit, Guid secretId, SecretPatch patch, DateTime now)
    : StoreCommand<SecretView>(audit)
{
    protected override Outcome<SecretView> Decide(StoreDraft draft)
    {
        var existing = draft.IsLive ? draft.Find(secretId) : null;
        var refusal = StoreAccess.CheckVisible(draft, Audit.Caller, Audit.AccountId)
            ?? (existing is null ? Errors.SecretNotFound() : null)
            ?? StoreAccess.CheckOwnership(draft.Committed.Row!, Audit.Caller);
        if (refusal is not null)
        {
            return refusal;
        }

        var updated = Apply(existing!, draft.Committed.Keys!);
        if (updated != existing)
        {
            draft.Replace(updated);
        }

        return updated.ToView(draft.Committed.StoreId);
    }

    protected override IEnumerable<AuditRecord> Records(StoreDraft draft, Outcome<SecretView> outcome) =>
        [Audit.Record(draft.Committed, outcome.Error, secretId, draft.Find(secretId)?.Name)];

    private SecretRecord Apply(SecretRecord existing, StoreKeys keys)
    {
        var scopes = patch.Scopes is null ? null : ScopeSet.Canonical(patch.Scopes);
        var scopesChanged = scopes is not null && !scopes.SequenceEqual(existing.Scopes);
        var commentChanged = patch.HasComment && patch.Comment != existing.Comment;
        var valueChanged = patch.Value is not null && patch.Value.Reveal() != keys.Open(existing);
        if (!scopesChanged && !commentChanged && !valueChanged)
        {
            return existing;
        }

        // An unchanged value keeps its ciphertext: nothing to seal again.
        return existing with
        {
            Modified = now,
            Comment = commentChanged ? patch.Comment : existing.Comment,
            Scopes = scopesChanged ? scopes! : existing.Scopes,
            SealedValue = valueChanged ? keys.Seal(existing.Id, patch.Value!) : existing.SealedValue,
        };
    }
}
