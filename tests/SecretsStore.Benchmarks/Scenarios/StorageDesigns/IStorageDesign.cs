namespace SecretsStore.Benchmarks.Scenarios.StorageDesigns;

/// <summary>One candidate store design, driven through direct grain calls the same way as the other.</summary>
internal interface IStorageDesign
{
    /// <summary>For the log.</summary>
    string Name { get; }

    /// <summary>A new, empty store.</summary>
    Task<Guid> NewStoreAsync();

    /// <summary>Creates the named secrets in one call, all or none; throws when the design refuses.</summary>
    Task CreateAsync(Guid storeId, IReadOnlyList<string> names);

    /// <summary>The cheapest read there is: the call that pays for an activation.</summary>
    Task FirstCallAsync(Guid storeId);

    /// <summary>The store's grain, to ask the management grain whether it is active.</summary>
    GrainReference GrainOf(Guid storeId);
}

/// <summary>What both designs store for a value: our cipher's output for a 32-character value.</summary>
internal static class BenchSecrets
{
    /// <summary>The plaintext our store grain seals.</summary>
    public static readonly string Plaintext = new('v', 32);

    /// <summary>Version byte, 12-byte nonce and 16-byte tag around the 32 bytes of ciphertext.</summary>
    public const int SealedBytes = 1 + 12 + 16 + 32;

    public static readonly string[] Scopes = ["workers"];
}
