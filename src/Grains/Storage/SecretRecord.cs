namespace SecretsStore.Grains.Storage;

/// <summary>One secret as stored. <see cref="SealedValue"/> is AES-GCM ciphertext; the plaintext is never stored.</summary>
/// <param name="Scopes">Canonical: sorted, without duplicates.</param>
public sealed record SecretRecord(
    Guid Id,
    string Name,
    DateTime Created,
    DateTime Modified,
    string? Comment,
    string[] Scopes,
    byte[] SealedValue);

public static class SecretRecordViews
{
    /// <summary>A secret's metadata as clients see it; <c>status</c> is <c>active</c> because only durable secrets are shown.</summary>
    public static Abstractions.SecretView ToView(this SecretRecord secret, Guid storeId) =>
        new(secret.Id, secret.Name, storeId, secret.Created, secret.Modified, "active", secret.Comment, secret.Scopes);
}
