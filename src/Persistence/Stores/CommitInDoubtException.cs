namespace SecretsStore.Persistence.Stores;

/// <summary>
/// A commit failed after it was sent (the connection broke, a timeout struck): it may or may not have become durable,
/// and only reading the rows again can tell. Any other failure of a commit means nothing of it was written.
/// </summary>
public sealed class CommitInDoubtException(Exception failure)
    : Exception("A commit failed after it was sent; whether it landed is unknown.", failure);
