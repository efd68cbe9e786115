namespace SecretsStore.Grains.RateLimits;

/// <summary>
/// Permits granted over a sliding window of ten segments, the way ASP.NET Core's sliding window limiter counts
/// requests: a segment's grants stop counting once it slides out, so some of the budget frees up every tenth of the
/// window. Permits handed back unspent are taken off the segment they were counted in, while it still counts.
/// </summary>
public sealed class SlidingGrants
{
    public const int Segments = 10;

    private readonly long[] _segment = new long[Segments];
    private readonly int[] _granted = new int[Segments];

    public SlidingGrants(int limit, TimeSpan window)
    {
        Limit = limit;
        Window = window;
        SegmentLength = Math.Max(1, window.Ticks / Segments);
        Array.Fill(_segment, long.MinValue);
    }

    public int Limit { get; }

    public TimeSpan Window { get; }

    public long SegmentLength { get; }

    /// <summary>The segment <paramref name="nowTicks"/> falls in: leases name it so unspent permits find their way back.</summary>
    public long SegmentOf(long nowTicks) => nowTicks / SegmentLength;

    /// <summary>Permits counted in the window that ends now.</summary>
    public int Used(long nowTicks)
    {
        var current = SegmentOf(nowTicks);
        var used = 0;
        for (var i = 0; i < Segments; i++)
        {
            if (Counts(_segment[i], current))
            {
                used += _granted[i];
            }
        }

        return used;
    }

    /// <summary>Grants up to <paramref name="wanted"/> permits in the current segment; answers how many.</summary>
    public int Grant(long nowTicks, int wanted)
    {
        var granted = Math.Min(wanted, Math.Max(0, Limit - Used(nowTicks)));
        if (granted > 0)
        {
            var current = SegmentOf(nowTicks);
            var slot = Slot(current);
            if (_segment[slot] != current)
            {
                _segment[slot] = current;
                _granted[slot] = 0;
            }

            _granted[slot] += granted;
        }

        return granted;
    }

    /// <summary>Takes back permits granted in <paramref name="segment"/>; nothing to do once it has slid out.</summary>
    public void Return(long nowTicks, long segment, int permits)
    {
        var slot = Slot(segment);
        if (permits > 0 && _segment[slot] == segment && Counts(segment, SegmentOf(nowTicks)))
        {
            _granted[slot] -= Math.Min(permits, _granted[slot]);
        }
    }

    /// <summary>How long until the oldest counted grant slides out and frees permits (a segment when nothing is counted).</summary>
    public TimeSpan UntilRoom(long nowTicks)
    {
        var current = SegmentOf(nowTicks);
        var oldest = current;
        for (var i = 0; i < Segments; i++)
        {
            if (Counts(_segment[i], current) && _granted[i] > 0)
            {
                oldest = Math.Min(oldest, _segment[i]);
            }
        }

        return TimeSpan.FromTicks(((oldest + Segments) * SegmentLength) - nowTicks);
    }

    private static bool Counts(long segment, long current) => segment <= current && segment > current - Segments;

    private static int Slot(long segment) => (int)(((segment % Segments) + Segments) % Segments);
}
