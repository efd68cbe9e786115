namespace SecretsStore.Grains.Abstractions;

/// <summary>
/// Storage could not be reached, or could not confirm a write; nothing the request asked for became visible.
/// Grains throw this instead of the database driver's own exceptions, which have no Orleans codec and would
/// reach a caller on another silo as a serialization error. It never carries the driver's message, which
/// may quote row contents, and never an inner exception, which would need a codec of its own.
/// </summary>
[GenerateSerializer, Alias("SecretsStore.StorageUnavailableException")]
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException()
        : base("Storage is unavailable.")
    {
    }

    public StorageUnavailableException(string message)
        : base(message)
    {
    }
}
