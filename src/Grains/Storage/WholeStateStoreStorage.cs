using SecretsStore.Grains.State;

namespace SecretsStore.Grains.Storage;

/// <summary>Writes the whole store as one Orleans grain-state row. Simple and atomic; its cost grows with the store.</summary>
public sealed class WholeStateStoreStorage(IPersistentState<StoreState> state) : IStoreStorage
{
    public StoreState State => state.State;

    public async Task CommitAsync(StoreChange change)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // The write may or may not have landed; storage is the truth, so the next call starts from it.
            await state.ReadStateAsync();
            throw;
        }
    }
}
