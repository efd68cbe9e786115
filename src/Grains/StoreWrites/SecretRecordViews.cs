using SecretsStore.Persistence.Stores;

namespace SecretsStore.Grains.StoreWrites;

public static class SecretRecordViews
{
    /// <summary>A secret's metadata as clients see it; <c>status</c> is <c>active</c> because only durable secrets are shown.</summary>
    public static Abstractions.SecretView ToView(this SecretRecord secret, Guid storeId) =>
        new(secret.Id, secret.Name, storeId, secret.Created, secret.Modified, "active", secret.Comment, secret.Scopes);
}
