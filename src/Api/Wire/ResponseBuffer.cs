using System.Buffers;
using System.Text.Json;

namespace SecretsStore.Api.Wire;

/// <summary>
/// Where an answer is serialized before it is sent, so that it goes out with a Content-Length in one write rather
/// than chunked (which took a second socket write for the closing chunk). One per thread, reused: an answer is
/// serialized and copied out without awaiting anything in between.
/// </summary>
internal sealed class ResponseBuffer
{
    /// <summary>A buffer that grew past this (a long list) is left to the GC rather than kept by its thread.</summary>
    private const int KeepAtMost = 64 * 1024;

    [ThreadStatic]
    private static ResponseBuffer? _spare;

    private readonly ArrayBufferWriter<byte> _bytes = new(1024);

    private ResponseBuffer() =>
        // What the serializer itself writes with for WireJson's options: their encoder, no indentation.
        Writer = new Utf8JsonWriter(_bytes, new JsonWriterOptions
        {
            Encoder = WireJson.Options.Encoder,
            Indented = WireJson.Options.WriteIndented,
            SkipValidation = true,
        });

    public Utf8JsonWriter Writer { get; }

    public ReadOnlySpan<byte> Written => _bytes.WrittenSpan;

    public static ResponseBuffer Rent()
    {
        var buffer = _spare ?? new ResponseBuffer();
        _spare = null;
        return buffer;
    }

    /// <summary>
    /// Zeroes what was written before the buffer is kept for the thread's next answer or left to the GC: the answer may
    /// have been a value, which must not linger in a buffer that outlives its request.
    /// </summary>
    public void Return()
    {
        _bytes.Clear();
        if (_bytes.Capacity > KeepAtMost)
        {
            return;
        }

        Writer.Reset(_bytes);
        _spare = this;
    }
}
