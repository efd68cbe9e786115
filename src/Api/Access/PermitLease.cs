using System.Threading.RateLimiting;

namespace SecretsStore.Api.Access;

/// <summary>The answers of <see cref="CredentialBudget"/>; the two without metadata are shared, so the fast path allocates nothing.</summary>
internal sealed class PermitLease : RateLimitLease
{
    private static readonly string[] RetryAfterOnly = [MetadataName.RetryAfter.Name];

    private readonly TimeSpan? _retryAfter;

    private PermitLease(bool acquired, TimeSpan? retryAfter)
    {
        IsAcquired = acquired;
        _retryAfter = retryAfter;
    }

    public static PermitLease Acquired { get; } = new(true, null);

    /// <summary>No local permit: the caller must ask the budget grain (the middleware's AcquireAsync does).</summary>
    public static PermitLease NotYet { get; } = new(false, null);

    public static PermitLease Refused(TimeSpan retryAfter) => new(false, retryAfter);

    public override bool IsAcquired { get; }

    public override IEnumerable<string> MetadataNames => _retryAfter is null ? [] : RetryAfterOnly;

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        if (_retryAfter is { } wait && metadataName == MetadataName.RetryAfter.Name)
        {
            metadata = wait;
            return true;
        }

        metadata = null;
        return false;
    }
}
