using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Rules;
using SecretsStore.Persistence.Audit;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.Grains.StoreWrites;

/// <summary>Deletes every listed secret or none: one id that is not in the store fails the whole request.</summary>
/// <param name="secretIds">The ids as parsed; null for one that is not an id at all, which no store holds.</param>
public sealed class DeleteSecretsCommand(AuditedCall audit, IReadOnlyList<Guid?> secretIds) : StoreCommand<Done>(audit)
{
    private readonly List<SecretRecord> _deleted = [];

    protected override Outcome<Done> Decide(StoreDraft draft)
    {
        _deleted.Clear();
        if (StoreAccess.CheckVisible(draft, Audit.Caller, Audit.AccountId) is { } hidden)
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

        if (StoreAccess.CheckOwnership(draft.Committed.Row!, Audit.Caller) is { } notOwner)
        {
            return notOwner;
        }

        foreach (var secret in secrets.Values)
        {
            draft.Remove(secret);
            _deleted.Add(secret);
        }

        return Done.Value;
    }

    /// <summary>One record per secret deleted; a refused request is one record (naming its secret if it named one).</summary>
    protected override IEnumerable<AuditRecord> Records(StoreDraft draft, Outcome<Done> outcome)
    {
        if (outcome.Succeeded)
        {
            return _deleted.Select(s => Audit.Record(draft.Committed, null, s.Id, s.Name));
        }

        var one = secretIds.Count == 1 ? secretIds[0] : null;
        return [Audit.Record(draft.Committed, outcome.Error, one, one is { } id ? draft.Find(id)?.Name : null)];
    }
}
