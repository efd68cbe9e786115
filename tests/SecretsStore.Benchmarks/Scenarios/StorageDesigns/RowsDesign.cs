using Npgsql;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Persistence.Access;

namespace SecretsStore.Benchmarks.Scenarios.StorageDesigns;

/// <summary>Our design: <see cref="IStoreGrain"/>, rows per secret, written through the silo's group commit.</summary>
internal sealed class RowsDesign(IGrainFactory grains, Guid accountId) : IStorageDesign
{
    private static readonly Caller Caller = Caller.Account(Permission.Write, "benchmark");
    private static readonly SecretValue Value = new(BenchSecrets.Plaintext);

    private int _stores;

    public string Name => "rows (ours)";

    private IAccountGrain Account => grains.GetGrain<IAccountGrain>(accountId);

    /// <summary>
    /// An account (a row of its own: stores are made only in accounts that exist) whose limits leave room for every
    /// store and secret the scenario makes.
    /// </summary>
    public static async Task<RowsDesign> StartAsync(IGrainFactory grains, NpgsqlDataSource database)
    {
        var accountId = Guid.Parse((await new AccountRepository(database).CreateAsync("benchmark")).Id);
        await grains.GetGrain<IAccountGrain>(accountId).SetLimitsAsync(new QuotaLimits(10_000_000, 1_000), Caller.Operator);
        return new RowsDesign(grains, accountId);
    }

    public async Task<Guid> NewStoreAsync()
    {
        var created = await Account.CreateStoreAsync(Caller, $"bench-{Interlocked.Increment(ref _stores)}");
        return created.Succeeded ? created.Value!.Id : throw new InvalidOperationException($"No store: {created.Error}");
    }

    public async Task CreateAsync(Guid storeId, IReadOnlyList<string> names)
    {
        var items = names.Select(name => new NewSecret(name, Value, BenchSecrets.Scopes, null)).ToList();
        var outcome = await Store(storeId).CreateSecretsAsync(Caller, accountId, items);
        if (!outcome.Succeeded)
        {
            throw new InvalidOperationException($"Create refused: {outcome.Error}");
        }
    }

    public Task FirstCallAsync(Guid storeId) => Store(storeId).GetAsync(Caller, accountId);

    public GrainReference GrainOf(Guid storeId) => (GrainReference)Store(storeId);

    private IStoreGrain Store(Guid storeId) => grains.GetGrain<IStoreGrain>(storeId);
}
