using System.Collections.Concurrent;

namespace SecretsStore.Api.Access;

/// <summary>
/// A bounded set of credential digests, each remembered for a lifetime: the resolver keeps the credentials the
/// database did not know in one (so a bad token sent again costs no look-up, and a flood of them cannot push good
/// tokens out of the cache of known ones, which is another), and the credentials it found valid lately in another.
/// <para>
/// Bounded without a sweep: entries go into the current generation, and when it holds half the capacity it becomes
/// the previous one and the generation before is dropped whole. An entry found in the previous generation is copied
/// into the current one, so a digest that keeps coming back stays while a flood of one-offs churns through. Each
/// entry is 16 bytes of the digest and its expiry.
/// </para>
/// </summary>
public sealed class CredentialDigestSet(int capacity, TimeSpan lifetime, TimeProvider clock)
{
    private readonly int _generationSize = Math.Max(1, capacity / 2);
    private readonly long _lifetime = (long)(lifetime.TotalSeconds * clock.TimestampFrequency);
    private readonly Lock _rotation = new();
    private ConcurrentDictionary<UInt128, long> _current = new();
    private ConcurrentDictionary<UInt128, long> _previous = new();
    private int _added;

    /// <summary>How many digests it holds at most.</summary>
    public int Capacity => _generationSize * 2;

    /// <summary>How many it holds now, expired ones included until their generation goes.</summary>
    public int Count => Volatile.Read(ref _current).Count + Volatile.Read(ref _previous).Count;

    public bool Contains(UInt128 digest)
    {
        var now = clock.GetTimestamp();
        if (Volatile.Read(ref _current).TryGetValue(digest, out var until))
        {
            return now < until;
        }

        if (Volatile.Read(ref _previous).TryGetValue(digest, out until) && now < until)
        {
            Remember(digest, until);
            return true;
        }

        return false;
    }

    public void Add(UInt128 digest) => Remember(digest, clock.GetTimestamp() + _lifetime);

    public void Remove(UInt128 digest)
    {
        Volatile.Read(ref _current).TryRemove(digest, out _);
        Volatile.Read(ref _previous).TryRemove(digest, out _);
    }

    /// <summary>Forgets every digest.</summary>
    public void Clear()
    {
        lock (_rotation)
        {
            Volatile.Write(ref _previous, new ConcurrentDictionary<UInt128, long>());
            Volatile.Write(ref _current, new ConcurrentDictionary<UInt128, long>());
            _added = 0;
        }
    }

    private void Remember(UInt128 digest, long until)
    {
        var current = Volatile.Read(ref _current);
        if (!current.TryAdd(digest, until))
        {
            current[digest] = until; // known already, perhaps expired: a new look-up renews it
            return;
        }

        if (Interlocked.Increment(ref _added) < _generationSize)
        {
            return;
        }

        lock (_rotation)
        {
            if (Volatile.Read(ref _added) < _generationSize)
            {
                return; // another thread rotated first
            }

            Volatile.Write(ref _previous, _current);
            Volatile.Write(ref _current, new ConcurrentDictionary<UInt128, long>());
            _added = 0;
        }
    }
}
