using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Rules;
using SecretsStore.Grains.Storage;

namespace SecretsStore.Grains.Writes;

/// <summary>Creates every secret of one request or none. The values arrive sealed, under ids chosen for them.</summary>
public sealed class CreateSecretsCommand(Caller caller, Guid accountId, IReadOnlyList<SecretRecord> secrets)
    : StoreCommand<IReadOnlyList<SecretView>>
{
    protected override Outcome<IReadOnlyList<SecretView>> Decide(StoreDraft draft)
    {
        var refusal = StoreAccess.CheckVisible(draft, caller, accountId)
            ?? StoreAccess.CheckOwnership(draft.Committed.Row!, caller)
            ?? NameRules.FirstTaken(secrets.Select(s => s.Name).ToList(), draft.HasName, i => $"/{i}/name")
            ?? (draft.TryReserve(secrets.Count) ? null : Errors.MaximumSecretsExceeded());
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
}
