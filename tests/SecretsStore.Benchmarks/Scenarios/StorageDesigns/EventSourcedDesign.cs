using System.Security.Cryptography;
using SecretsStore.Benchmarks.Experiments.EventSourcing;

namespace SecretsStore.Benchmarks.Scenarios.StorageDesigns;

/// <summary>The candidate: <see cref="IEventSourcedStoreGrain"/>, an event log with snapshots.</summary>
internal sealed class EventSourcedDesign(IGrainFactory grains) : IStorageDesign
{
    public string Name => "event-sourced";

    /// <summary>Random bytes stand in for the ciphertext, the same size as ours.</summary>
    public static NewSealedSecret Secret(string name) =>
        new(name, BenchSecrets.Scopes, RandomNumberGenerator.GetBytes(BenchSecrets.SealedBytes));

    /// <summary>An event-sourced store exists once its first event does; nothing to create.</summary>
    public Task<Guid> NewStoreAsync() => Task.FromResult(Guid.NewGuid());

    public async Task CreateAsync(Guid storeId, IReadOnlyList<string> names)
    {
        var created = names.Count == 1
            ? await Store(storeId).CreateSecretAsync(Secret(names[0])) is not null
            : await Store(storeId).CreateSecretsAsync(names.Select(Secret).ToList()) is not null;
        if (!created)
        {
            throw new InvalidOperationException("Create refused: a name is taken.");
        }
    }

    public Task FirstCallAsync(Guid storeId) => Store(storeId).CountAsync();

    public GrainReference GrainOf(Guid storeId) => (GrainReference)Store(storeId);

    private IEventSourcedStoreGrain Store(Guid storeId) => grains.GetGrain<IEventSourcedStoreGrain>(storeId);
}
