namespace SecretsStore.Api.Idempotency;

/// <summary>
/// Endpoint metadata of a write of a store's secrets (create, patch, delete, bulk delete, duplicate), whose
/// <c>Idempotency-Key</c> the store's grain decides in its own commit (<see cref="KeyedStoreWrite"/>), without the
/// gateway's lease, look-up and keep: those writes are the many, and the grain already serialises them.
/// </summary>
public sealed class KeyedInStore
{
    public static readonly KeyedInStore Instance = new();

    private KeyedInStore()
    {
    }
}

public static class KeyedInStoreExtensions
{
    /// <summary>Marks a route whose keyed writes the store's grain decides (<see cref="KeyedInStore"/>).</summary>
    public static RouteHandlerBuilder KeyedInStore(this RouteHandlerBuilder route) => route.WithMetadata(Idempotency.KeyedInStore.Instance);
}
