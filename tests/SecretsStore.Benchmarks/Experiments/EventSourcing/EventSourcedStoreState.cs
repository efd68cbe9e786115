namespace SecretsStore.Benchmarks.Experiments.EventSourcing;

/// <summary>One secret as the event-sourced store holds it in memory and in its snapshots.</summary>
[GenerateSerializer, Immutable, Alias("SecretsStore.Benchmarks.Es.SealedSecret")]
public sealed record SealedSecret(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Name,
    [property: Id(2)] DateTime Created,
    [property: Id(3)] string[] Scopes,
    [property: Id(4)] byte[] SealedValue);

/// <summary>
/// The state the events fold into: the secrets by id, and the name index that uniqueness is checked against.
/// Orleans deep-copies it when asked for a tentative view, so it is serializable; secrets are immutable records,
/// which lets a snapshot start from a shallow copy of the secrets.
/// </summary>
[GenerateSerializer, Alias("SecretsStore.Benchmarks.Es.StoreState")]
public sealed class EventSourcedStoreState
{
    [Id(0)]
    public Dictionary<Guid, SealedSecret> Secrets { get; set; } = [];

    [Id(1)]
    public Dictionary<string, Guid> IdsByName { get; set; } = new(StringComparer.Ordinal);

    /// <summary>A state built from a snapshot's secrets, with its name index rebuilt rather than stored.</summary>
    public static EventSourcedStoreState From(IEnumerable<SealedSecret> secrets)
    {
        var state = new EventSourcedStoreState();
        foreach (var secret in secrets)
        {
            state.Secrets[secret.Id] = secret;
            state.IdsByName[secret.Name] = secret.Id;
        }

        return state;
    }

    public void Apply(StoreEvent @event)
    {
        switch (@event)
        {
            case SecretCreated created:
                Secrets[created.Id] = new SealedSecret(created.Id, created.Name, created.Created, created.Scopes, created.SealedValue);
                IdsByName[created.Name] = created.Id;
                break;
            case SecretDeleted deleted when Secrets.Remove(deleted.Id, out var removed):
                if (IdsByName.GetValueOrDefault(removed.Name) == deleted.Id)
                {
                    IdsByName.Remove(removed.Name);
                }

                break;
        }
    }
}
