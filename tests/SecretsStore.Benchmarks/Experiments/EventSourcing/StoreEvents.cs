namespace SecretsStore.Benchmarks.Experiments.EventSourcing;

/// <summary>What happened to an event-sourced store; the log of these is the store's truth.</summary>
[GenerateSerializer, Immutable, Alias("SecretsStore.Benchmarks.Es.StoreEvent")]
public abstract record StoreEvent;

/// <summary>A secret came into being, with its value already sealed (ciphertext).</summary>
[GenerateSerializer, Immutable, Alias("SecretsStore.Benchmarks.Es.SecretCreated")]
public sealed record SecretCreated(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Name,
    [property: Id(2)] DateTime Created,
    [property: Id(3)] string[] Scopes,
    [property: Id(4)] byte[] SealedValue) : StoreEvent;

/// <summary>A secret was removed; its name is free again.</summary>
[GenerateSerializer, Immutable, Alias("SecretsStore.Benchmarks.Es.SecretDeleted")]
public sealed record SecretDeleted([property: Id(0)] Guid Id) : StoreEvent;
