using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Crypto;
using SecretsStore.Grains.Rules;
using SecretsStore.Persistence.Audit;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.Grains.StoreWrites;

/// <summary>
/// Changes a secret's value, scopes or comment. A value in the body is always a change: it is sealed again and
/// <c>modified</c> moves, whatever the secret held before.
/// </summary>
/// <remarks>
/// The stored value is never opened to compare. If an equal value changed nothing, the answer would tell a write
/// principal, who may never read values, whether a guess was right (duplicate the secret, patch the copy, look at
/// <c>modified</c>). Scopes and comment are metadata the caller can read anyway, so they move <c>modified</c> only
/// when they differ.
/// </remarks>
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

    /// <summary>
    /// The update's record; one that carried a value says so (<c>value_modified</c>, as Cloudflare's entries do), since
    /// a value in the body is always a change. A refusal changed nothing, so it never does.
    /// </summary>
    protected override IEnumerable<AuditRecord> Records(StoreDraft draft, Outcome<SecretView> outcome)
    {
        var record = Audit.Record(draft.Committed, outcome.Error, secretId, draft.Find(secretId)?.Name);
        return [patch.Value is not null && record.IsAllowed ? record with { ValueModified = true } : record];
    }

    private SecretRecord Apply(SecretRecord existing, StoreKeys keys)
    {
        var scopes = patch.Scopes is null ? null : ScopeSet.Canonical(patch.Scopes);
        var scopesChanged = scopes is not null && !scopes.SequenceEqual(existing.Scopes);
        var commentChanged = patch.HasComment && patch.Comment != existing.Comment;
        if (!scopesChanged && !commentChanged && patch.Value is null)
        {
            return existing;
        }

        return existing with
        {
            Modified = now,
            Comment = commentChanged ? patch.Comment : existing.Comment,
            Scopes = scopesChanged ? scopes! : existing.Scopes,
            SealedValue = patch.Value is { } value ? keys.Seal(existing.Id, value) : existing.SealedValue,
        };
    }
}
