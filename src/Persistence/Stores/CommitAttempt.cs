namespace SecretsStore.Persistence.Stores;

public enum CommitOutcome
{
    Committed,

    /// <summary>A version or limit guard failed: the whole batch rolled back, and planning again under locks may fit.</summary>
    GuardFailed,

    /// <summary>The transaction failed before it was committed. Nothing was written.</summary>
    NotCommitted,

    /// <summary>The commit failed after it was sent: it may or may not have become durable.</summary>
    Unknown,
}

/// <summary>How a commit transaction ended, with the failure for the log when it failed.</summary>
public readonly record struct CommitAttempt(CommitOutcome Outcome, Exception? Failure = null);
