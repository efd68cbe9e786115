using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace SecretsStore.Api.Wire;

/// <summary>
/// The requests of this process reading a body right now: at most <see cref="BodyOptions.MaxConcurrentReads"/> in all,
/// and <see cref="BodyOptions.MaxConcurrentReadsPerCredential"/> of them for any one credential, so that one client
/// trickling bodies cannot take every place. A request past either bound is refused rather than queued: a queued
/// request's bytes would pile up in Kestrel's buffers all the same, while its client waits without being told.
/// </summary>
/// <remarks>
/// Only a body still arriving takes a place, held until it has arrived. A body already whole in the
/// server's buffer (one sent with its headers, as clients do) takes none, so many connections on one token are never
/// throttled by a busy machine's scheduling: a place guards memory held while waiting on the network, and such a body
/// waits for nothing.
/// </remarks>
public sealed class BodyReads(IOptions<ApiOptions> options)
{
    private readonly int _limit = options.Value.Bodies.MaxConcurrentReads;
    private readonly int _perCredential = options.Value.Bodies.MaxConcurrentReadsPerCredential;
    private readonly ConcurrentDictionary<string, int> _byCredential = new(StringComparer.Ordinal);
    private int _reading;

    /// <summary>How many bodies are being read now.</summary>
    public int InProgress => Volatile.Read(ref _reading);

    /// <summary>
    /// Takes a place to read a body for <paramref name="credential"/> (a digest that names it, never the credential
    /// itself); false when none is left. Every true must be followed by <see cref="Exit"/> with the same credential.
    /// </summary>
    public bool TryEnter(string? credential)
    {
        if (Interlocked.Increment(ref _reading) > _limit)
        {
            Interlocked.Decrement(ref _reading);
            return false;
        }

        if (credential is not null && _byCredential.AddOrUpdate(credential, 1, (_, n) => n + 1) > _perCredential)
        {
            Exit(credential);
            return false;
        }

        return true;
    }

    public void Exit(string? credential)
    {
        if (credential is not null && _byCredential.AddOrUpdate(credential, 0, (_, n) => n - 1) == 0)
        {
            // Only while still at zero: a read of the same credential may have taken a place since.
            _byCredential.TryRemove(KeyValuePair.Create(credential, 0));
        }

        Interlocked.Decrement(ref _reading);
    }
}
