using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace SecretsStore.Api.Access;

/// <summary>
/// Failed authentications (a token or key the database does not know) per client address, on this gateway, in
/// fixed windows that start with an address's first failure (<c>SecretsStore:RateLimit:FailedAuthentications</c> per
/// <c>FailedAuthenticationWindow</c>). Past the limit the address is refused with 429 before its credentials are
/// looked up, until its window ends; credentials this gateway has cached as valid still pass, so a client whose
/// neighbour floods from the same address keeps working with a token it has used.
/// <para>
/// Kept in memory, per gateway, without a grain: counting failures must cost less than the look-ups it saves. At
/// most <see cref="TrackedAddresses"/> addresses are tracked; beyond that, new addresses share one tally, so a flood
/// from many addresses is refused as one.
/// </para>
/// </summary>
public sealed class FailedAuthentications(IOptions<ApiOptions> options, TimeProvider clock)
{
    public const int TrackedAddresses = 100_000;

    private const string Overflow = "*";
    private const int SweepEvery = 1_024;

    private readonly ConcurrentDictionary<string, Tally> _tallies = new();
    private readonly int _limit = options.Value.RateLimit.FailedAuthentications;
    private readonly long _window = (long)(options.Value.RateLimit.FailedAuthenticationWindow.TotalSeconds * clock.TimestampFrequency);
    private int _addedSinceSweep;

    /// <summary>How many addresses it keeps a tally for now.</summary>
    public int TrackedCount => _tallies.Count;

    /// <summary>Whether the address is over its limit now; when it is, <paramref name="retryAfter"/> says until when.</summary>
    public bool IsBlocked(string address, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!_tallies.TryGetValue(address, out var tally) && !_tallies.TryGetValue(Overflow, out tally))
        {
            return false;
        }

        var now = clock.GetTimestamp();
        lock (tally)
        {
            if (now >= tally.WindowEnds || tally.Count < _limit)
            {
                return false;
            }

            retryAfter = clock.GetElapsedTime(now, tally.WindowEnds);
            return true;
        }
    }

    /// <summary>
    /// Counts one failure of the address; false, with <paramref name="retryAfter"/>, when the address was over its
    /// limit already (the failure is then refused, not counted).
    /// </summary>
    public bool TryCount(string address, out TimeSpan retryAfter)
    {
        var tally = TallyOf(address);
        var now = clock.GetTimestamp();
        lock (tally)
        {
            if (now >= tally.WindowEnds)
            {
                tally.WindowEnds = now + _window;
                tally.Count = 0;
            }

            if (tally.Count >= _limit)
            {
                retryAfter = clock.GetElapsedTime(now, tally.WindowEnds);
                return false;
            }

            tally.Count++;
            retryAfter = TimeSpan.Zero;
            return true;
        }
    }

    private Tally TallyOf(string address)
    {
        if (_tallies.TryGetValue(address, out var tally))
        {
            return tally;
        }

        if (Interlocked.Increment(ref _addedSinceSweep) >= SweepEvery)
        {
            Sweep();
        }

        return _tallies.Count < TrackedAddresses ? _tallies.GetOrAdd(address, _ => new Tally()) : _tallies.GetOrAdd(Overflow, _ => new Tally());
    }

    /// <summary>Drops the tallies whose window has ended: they hold nothing a fresh tally would not.</summary>
    private void Sweep()
    {
        Volatile.Write(ref _addedSinceSweep, 0);
        var now = clock.GetTimestamp();
        foreach (var (address, tally) in _tallies)
        {
            if (now >= Volatile.Read(ref tally.WindowEnds))
            {
                _tallies.TryRemove(address, out _);
            }
        }
    }

    private sealed class Tally
    {
        public long WindowEnds;
        public int Count;
    }
}
