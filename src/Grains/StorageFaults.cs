using System.Data.Common;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using SecretsStore.Grains.Abstractions;

namespace SecretsStore.Grains;

/// <summary>Turns the database's failures into <see cref="StorageUnavailableException"/>, which any silo can deserialize.</summary>
public static class StorageFaults
{
    public static bool IsStorageFault(Exception ex) =>
        ex is DbException or TimeoutException or InconsistentStateException
        || (ex.InnerException is { } inner && IsStorageFault(inner));

    public static async Task<T> GuardAsync<T>(Func<Task<T>> work, ILogger logger)
    {
        try
        {
            return await work();
        }
        catch (Exception ex) when (IsStorageFault(ex))
        {
            logger.LogWarning(ex, "Storage failed");
            throw new StorageUnavailableException();
        }
    }

    public static Task GuardAsync(Func<Task> work, ILogger logger) =>
        GuardAsync(async () =>
        {
            await work();
            return true;
        }, logger);
}
