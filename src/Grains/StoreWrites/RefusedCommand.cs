using SecretsStore.Grains.Abstractions;
using SecretsStore.Persistence.Audit;

namespace SecretsStore.Grains.StoreWrites;

/// <summary>
/// A request the grain refused before it became a command (permission, input, a store it may not see). It still goes
/// through a commit, with nothing but its audit record, so every refusal is on the trail before it is answered.
/// </summary>
public sealed class RefusedCommand<T>(AuditedCall audit, StoreError refusal, Guid? secretId = null, string? secretName = null)
    : StoreCommand<T>(audit)
{
    protected override Outcome<T> Decide(StoreDraft draft) => refusal;

    protected override IEnumerable<AuditRecord> Records(StoreDraft draft, Outcome<T> outcome) =>
        [Audit.Record(draft.Committed, refusal, secretId, secretName ?? (secretId is { } id ? draft.Committed.Find(id)?.Name : null))];
}
