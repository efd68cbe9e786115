using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Rules;
using SecretsStore.Grains.Storage;

namespace SecretsStore.Grains.Writes;

/// <summary>Deletes every listed secret or none: one id that is not in the store fails the whole request.</summary>
/// <param name="secretIds">The ids as parsed; null for one that is not an id at all, which no store holds.</param>
public sealed class DeleteSecretsCommand(Caller caller, Guid accountId, IReadOnlyList<Guid?> secretIds) : StoreCommand<Done>
{
    protected override Outcome<Done> Decide(StoreDraft draft)
    {
        if (StoreAccess.CheckVisible(draft, caller, accountId) is { } hidden)
        {
            return hidden;
        }

        var secrets = new Dictionary<Guid, SecretRecord>();
        foreach (var id in secretIds)
        {
            if (id is not { } secretId || draft.Find(secretId) is not { } secret)
            {
                return Errors.SecretNotFound();
            }

            secrets[secretId] = secret;
        }

        if (StoreAccess.CheckOwnership(draft.Committed.Row!, caller) is { } notOwner)
        {
            return notOwner;
        }

        foreach (var secret in secrets.Values)
        {
            draft.Remove(secret);
        }

        return Done.Value;
    }
}
