using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Rules;

namespace SecretsStore.Grains.StoreWrites;

/// <summary>Deletes the store, refusing a non-empty one unless <paramref name="force"/>, which deletes its secrets too.</summary>
public sealed class DeleteStoreCommand(AuditedCall audit, bool force) : StoreCommand<Done>(audit)
{
    protected override Outcome<Done> Decide(StoreDraft draft)
    {
        var refusal = StoreAccess.CheckVisible(draft, Audit.Caller, Audit.AccountId)
            ?? StoreAccess.CheckOwnership(draft.Committed.Row!, Audit.Caller)
            ?? (draft.Count > 0 && !force ? Errors.StoreNotEmpty(draft.Count) : null);
        if (refusal is not null)
        {
            return refusal;
        }

        draft.DeleteStore();
        return Done.Value;
    }
}
