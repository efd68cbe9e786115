using System.Buffers;

namespace SecretsStore.Api.Wire;

/// <summary>
/// A request body's bytes as they arrive: a pooled buffer that starts small and doubles as it fills, so memory follows
/// what was received rather than what Content-Length announced. Disposing zeroes what it held (a body may carry
/// values) before the buffer goes back to the pool.
/// </summary>
internal sealed class ArrivingBytes(int firstSize, int limit) : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(firstSize, limit));

    public int Length { get; private set; }

    public bool IsFull => Length == limit;

    public ReadOnlyMemory<byte> Received => _buffer.AsMemory(0, Length);

    /// <summary>Where the next bytes go: at least one byte, unless the limit is reached (<see cref="IsFull"/>).</summary>
    public Memory<byte> Space()
    {
        if (Length == Math.Min(_buffer.Length, limit) && !IsFull)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Min(_buffer.Length * 2, limit));
            Received.CopyTo(larger);
            Release();
            _buffer = larger;
        }

        return _buffer.AsMemory(Length, Math.Min(_buffer.Length, limit) - Length);
    }

    public void Advance(int count) => Length += count;

    public void Dispose()
    {
        Release();
        _buffer = [];
    }

    private void Release()
    {
        _buffer.AsSpan(0, Length).Clear();
        ArrayPool<byte>.Shared.Return(_buffer);
    }
}
