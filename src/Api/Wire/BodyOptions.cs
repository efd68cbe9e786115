using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace SecretsStore.Api.Wire;

/// <summary>
/// <c>SecretsStore:Bodies</c>: how much of a process request bodies may hold. A body is buffered as it arrives (never
/// from what Content-Length promises), so memory follows the bytes clients actually send; these bound how many bodies
/// are read at once and how slowly one may arrive, so that a few clients cannot hold that memory for long.
/// </summary>
public sealed class BodyOptions
{
    /// <summary>
    /// Requests of this process that may be waiting for their bodies to arrive at once (a body already whole when its
    /// request is handled is read without a place). Past it a request is answered at once with
    /// 429, code 971 and Retry-After (nothing of it is read or applied), so a client retries it as any throttled
    /// request. At the 8 MiB body limit, 32 bodies in flight hold at most 256 MiB of buffers, and only while their
    /// clients keep sending.
    /// </summary>
    public int MaxConcurrentReads { get; set; } = 32;

    /// <summary>
    /// Of those, how many one credential may hold, so that one client trickling bodies cannot take every place and
    /// hold up everyone's writes. Answered as above.
    /// </summary>
    public int MaxConcurrentReadsPerCredential { get; set; } = 8;

    /// <summary>
    /// The slowest a body may arrive once <see cref="MinDataRateGracePeriod"/> has passed, in bytes per second; Kestrel
    /// closes a slower connection. At 16 KiB/s an 8 MiB body takes at most about 9 minutes (Kestrel's own default,
    /// 240 B/s, let one trickle for 10 hours). 0 turns the check off.
    /// </summary>
    public int MinDataRate { get; set; } = 16 * 1024;

    /// <summary>How long a body may arrive slower than <see cref="MinDataRate"/> at first; Kestrel needs more than a second.</summary>
    public TimeSpan MinDataRateGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>What is wrong with these settings, or null; reported as <c>SecretsStore:Bodies:…</c>.</summary>
    public string? Problem() =>
        MaxConcurrentReads < 1 ? "MaxConcurrentReads must be at least 1"
        : MaxConcurrentReadsPerCredential < 1 ? "MaxConcurrentReadsPerCredential must be at least 1"
        : MinDataRate < 0 ? "MinDataRate must not be negative (0 turns the check off)"
        : MinDataRateGracePeriod <= TimeSpan.FromSeconds(1) ? "MinDataRateGracePeriod must be more than 1 second"
        : null;

    /// <summary>Kestrel's part: the slowest a body may arrive, and a size cap above ours so that our own 413 answers first.</summary>
    public void ApplyTo(KestrelServerLimits limits)
    {
        if (Problem() is { } problem)
        {
            throw new InvalidOperationException($"{ApiOptions.Section}:Bodies:{problem}.");
        }

        limits.MaxRequestBodySize = 2L * RequestBody.MaxBytes;
        limits.MinRequestBodyDataRate = MinDataRate == 0 ? null : new MinDataRate(MinDataRate, MinDataRateGracePeriod);
    }
}
