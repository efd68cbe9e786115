using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Rules;
using SecretsStore.Persistence.Audit;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.Grains.StoreWrites;

/// <summary>
/// A value read. It changes nothing, but it goes through a commit like a write so that its audit record is durable
/// before the value is given out: if the record cannot be written, the read fails. It answers the sealed record; the
/// grain opens it only once the commit has succeeded, so no plaintext exists for a read that is refused.
/// </summary>
/// <param name="secretId">The secret by id, or null to find it by <paramref name="name"/>.</param>
public sealed class ReadValueCommand(AuditedCall audit, Guid? secretId, string? name) : StoreCommand<SecretRecord>(audit)
{
    protected override Outcome<SecretRecord> Decide(StoreDraft draft)
    {
        // An account the service is not granted answers as one that does not exist; past that, every miss reads the
        // same, whether the store, the secret or the right to read it is missing.
        if (StoreAccess.CheckAccount(Audit.Caller, Audit.AccountId) is { } foreign)
        {
            return foreign;
        }

        var secret = Find(draft);
        return secret is not null && ValueAccess.MayRead(draft.Committed.Row!, secret, Audit.Caller) ? secret : Errors.SecretNotFound();
    }

    protected override IEnumerable<AuditRecord> Records(StoreDraft draft, Outcome<SecretRecord> outcome)
    {
        var found = Find(draft);
        return [Audit.Record(draft.Committed, outcome.Error, found?.Id ?? secretId, found?.Name ?? name)];
    }

    /// <summary>
    /// The secret, if the caller acts in the account the request addressed and the store is live and belongs to it:
    /// the rule every store route checks (<see cref="StoreAccess.CheckReachable(StoreDraft, Caller, Guid)"/>), short of
    /// "manages the store", which a consumer scope may stand in for here.
    /// </summary>
    private SecretRecord? Find(StoreDraft draft) =>
        StoreAccess.CheckReachable(draft, Audit.Caller, Audit.AccountId) is not null ? null
        : secretId is { } id ? draft.Find(id)
        : draft.FindByName(name!);
}
