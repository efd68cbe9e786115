using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecretsStore.Api.Wire;

/// <summary>The JSON shape of every response: snake_case names, nulls written, RFC 3339 timestamps with microseconds.</summary>
public static class WireJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        };
        options.Converters.Add(new MicrosecondTimestampConverter());
        return options;
    }

    /// <summary>Writes <c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c>: the round-trip ("O") form, cut from seven fractional digits to six.</summary>
    /// <remarks>
    /// "O" has a fast path that the equivalent custom format string lacks, and "ffffff" truncates as cutting the
    /// seventh digit does, so the text is the same.
    /// </remarks>
    public static void WriteTimestamp(Utf8JsonWriter writer, DateTime value)
    {
        // "O" of a UTC time: 2024-01-02T03:04:05.1234567Z
        const int RoundTripLength = 28;
        const int MicrosecondLength = RoundTripLength - 1;
        Span<byte> text = stackalloc byte[RoundTripLength];
        if (!value.ToUniversalTime().TryFormat(text, out var written, "O", CultureInfo.InvariantCulture) || written != RoundTripLength)
        {
            throw new FormatException($"Unexpected round-trip form of {value.Ticks} ticks");
        }

        text[MicrosecondLength - 1] = (byte)'Z';
        writer.WriteStringValue(text[..MicrosecondLength]);
    }

    private sealed class MicrosecondTimestampConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DateTime.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) => WriteTimestamp(writer, value);
    }
}
