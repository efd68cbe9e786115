using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Abstractions.Audit;
using SecretsStore.Grains.Audit;
using SecretsStore.Grains.Rules;
using SecretsStore.Grains.Storage;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.Grains.Writes;

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
        // Every miss reads the same, whether the store, the secret or the right to read it is missing.
        var secret = Find(draft);
        return secret is not null && ValueAccess.MayRead(draft.Committed.Row!, secret, Audit.Caller) ? secret : Errors.SecretNotFound();
    }

    protected override IEnumerable<AuditRecord> Records(StoreDraft draft, Outcome<SecretRecord> outcome)
    {
        var found = Find(draft);
        return [Audit.Record(draft.Committed, outcome.Error, found?.Id ?? secretId, found?.Name ?? name)];
    }

    /// <summary>The secret, if the store is live and belongs to the account the request addressed.</summary>
    private SecretRecord? Find(StoreDraft draft) =>
        !draft.IsLive || draft.Committed.Row!.AccountId != Audit.AccountId ? null
        : secretId is { } id ? draft.Find(id)
        : draft.FindByName(name!);
}
