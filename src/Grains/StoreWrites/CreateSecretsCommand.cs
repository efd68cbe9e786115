using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Rules;
using SecretsStore.Persistence.Audit;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.Grains.StoreWrites;

/// <summary>Creates every secret of one request or none. The values arrive sealed, under ids chosen for them.</summary>
public sealed class CreateSecretsCommand(AuditedCall audit, IReadOnlyList<SecretRecord> secrets)
    : StoreCommand<IReadOnlyList<SecretView>>(audit)
{
    protected override Outcome<IReadOnlyList<SecretView>> Decide(StoreDraft draft)
    {
        var refusal = StoreAccess.CheckVisible(draft, Audit.Caller, Audit.AccountId)
            ?? StoreAccess.CheckOwnership(draft.Committed.Row!, Audit.Caller)
            ?? NameRules.FirstTaken(secrets.Select(s => s.Name).ToList(), draft.HasName, i => $"/{i}/name")
            ?? draft.Reserve(secrets.Count, Audit.AccountId);
        if (refusal is not null)
        {
            return refusal;
        }

        foreach (var secret in secrets)
        {
            draft.Add(secret);
        }

        return secrets.Select(s => s.ToView(draft.Committed.StoreId)).ToList();
    }

    /// <summary>One record per secret created; a refused request is one record (naming its secret if it had one).</summary>
    protected override IEnumerable<AuditRecord> Records(StoreDraft draft, Outcome<IReadOnlyList<SecretView>> outcome) =>
        outcome.Succeeded
            ? secrets.Select(s => Audit.Record(draft.Committed, null, s.Id, s.Name))
            : [secrets.Count == 1 ? Audit.Record(draft.Committed, outcome.Error, null, secrets[0].Name) : Audit.Record(draft.Committed, outcome.Error)];
}
