namespace SecretsStore.Benchmarks.Experiments.EventSourcing;

/// <summary>One secret of a create request to the prototype, its value already sealed.</summary>
[GenerateSerializer, Immutable, Alias("SecretsStore.Benchmarks.Es.NewSealedSecret")]
public sealed record NewSealedSecret(
    [property: Id(0)] string Name,
    [property: Id(1)] string[] Scopes,
    [property: Id(2)] byte[] SealedValue);

/// <summary>
/// The event-sourced candidate for a store: just enough of a store (create, delete, count) to measure its writes
/// and activations against the rows design. Keyed by the store id.
/// </summary>
[Alias("SecretsStore.Benchmarks.IEventSourcedStoreGrain")]
public interface IEventSourcedStoreGrain : IGrainWithGuidKey
{
    /// <summary>Creates a secret once it is durable; answers its id, or null when the name is taken.</summary>
    [Alias("Create")]
    Task<Guid?> CreateSecretAsync(NewSealedSecret secret);

    /// <summary>Creates every item or none (null when a name is taken); answers the ids in request order.</summary>
    [Alias("CreateMany")]
    Task<IReadOnlyList<Guid>?> CreateSecretsAsync(IReadOnlyList<NewSealedSecret> items);

    [Alias("Delete")]
    Task<bool> DeleteSecretAsync(Guid id);

    /// <summary>The number of confirmed secrets; a cheap call to time an activation with.</summary>
    [Alias("Count")]
    Task<int> CountAsync();
}
