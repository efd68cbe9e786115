namespace SecretsStore.Persistence.Stores;

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
