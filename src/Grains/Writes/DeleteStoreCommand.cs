using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Rules;
using SecretsStore.Grains.Storage;

namespace SecretsStore.Grains.Writes;

/// <summary>Deletes the store, refusing a non-empty one unless <paramref name="force"/>, which deletes its secrets too.</summary>
public sealed class DeleteStoreCommand(Caller caller, Guid accountId, bool force) : StoreCommand<Done>
{
    protected override Outcome<Done> Decide(StoreDraft draft)
    {
        var refusal = StoreAccess.CheckVisible(draft, caller, accountId)
            ?? StoreAccess.CheckOwnership(draft.Committed.Row!, caller)
            ?? (draft.Count > 0 && !force ? Errors.StoreNotEmpty() : null);
        if (refusal is not null)
        {
            return refusal;
        }

        draft.DeleteStore();
        return Done.Value;
    }
}
