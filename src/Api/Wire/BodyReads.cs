using Microsoft.Extensions.Options;

namespace SecretsStore.Api.Wire;

/// <summary>
/// The requests of this process reading a body right now, bounded by <see cref="BodyOptions.MaxConcurrentReads"/>. A
/// request past the bound is refused rather than queued: a queued request's bytes would pile up in Kestrel's buffers
/// all the same, while the client waits without being told.
/// </summary>
public sealed class BodyReads(IOptions<ApiOptions> options)
{
    private readonly int _limit = options.Value.Bodies.MaxConcurrentReads;
    private int _reading;

    /// <summary>How many bodies are being read now.</summary>
    public int InProgress => Volatile.Read(ref _reading);

    /// <summary>Takes a place to read a body; false when all are taken. Every true must be followed by <see cref="Exit"/>.</summary>
    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _reading) <= _limit)
        {
            return true;
        }

        Interlocked.Decrement(ref _reading);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _reading);
}
