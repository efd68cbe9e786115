using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SecretsStore.Api.Dtos;
using SecretsStore.Api.Wire;

namespace SecretsStore.UnitTests.Wire;

/// <summary>Timestamps keep exactly six fractional digits and 'Z'; envelopes go out whole, with their length.</summary>
public sealed class WireJsonTests
{
    // The form the wire has always had, written the slow way.
    private static string Expected(DateTime value) =>
        "\"" + value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture) + "\"";

    public static TheoryData<DateTime> Times() =>
    [
        new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc),
        new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1_234_567),
        new DateTime(2024, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_999),
        new DateTime(1, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        new DateTime(9999, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_999),
        new DateTime(2024, 6, 1, 12, 0, 0, DateTimeKind.Local).AddTicks(42),
        new DateTime(2024, 6, 1, 12, 0, 0, DateTimeKind.Unspecified).AddTicks(5),
    ];

    [Theory]
    [MemberData(nameof(Times))]
    public void TimestampsAreWrittenAsBefore(DateTime value) =>
        Assert.Equal(Expected(value), JsonSerializer.Serialize(value, WireJson.Options));

    [Fact]
    public void RandomTimestampsAreWrittenAsBefore()
    {
        var random = new Random(20240102);
        for (var i = 0; i < 10_000; i++)
        {
            var value = new DateTime(random.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks), DateTimeKind.Utc);
            Assert.Equal(Expected(value), JsonSerializer.Serialize(value, WireJson.Options));
        }
    }

    [Fact]
    public async Task AnEnvelopeIsSentWithItsLengthAndTheSameBytes()
    {
        var secret = new SecretDto("a1", "NAME<&>é", "s1", new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc), DateTime.UnixEpoch, "active", null, ["workers"]);
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().BuildServiceProvider() };
        context.Response.Body = new MemoryStream();
        await ApiResults.Ok(secret).ExecuteAsync(context);

        var expected = JsonSerializer.SerializeToUtf8Bytes(new Envelope<SecretDto>(true, [], [], secret), WireJson.Options);
        Assert.Equal(expected, ((MemoryStream)context.Response.Body).ToArray());
        Assert.Equal(expected.Length, context.Response.ContentLength);
        Assert.Equal("no-store", context.Response.Headers.CacheControl.ToString());
    }

    // Whole characters only: a lone half of a surrogate pair is not text (the API refuses it on the way in).
    private static readonly string[] Characters = ["a", "X", "_", "0", " ", "<", ">", "&", "'", "\"", "\\", "/", "+", "é", "漢", "😀", "\u0001", "\u007f", "\u2028"];

    private static string RandomText(Random random) =>
        string.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(_ => Characters[random.Next(Characters.Length)]));

    [Fact]
    public void TheHandWrittenSecretEnvelopeIsTheSerializers()
    {
        var random = new Random(7);
        for (var i = 0; i < 2_000; i++)
        {
            var secret = new SecretDto(
                Guid.NewGuid().ToString("N"), RandomText(random), Guid.NewGuid().ToString("N"),
                new DateTime(random.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks), DateTimeKind.Utc),
                new DateTime(random.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks), DateTimeKind.Utc),
                RandomText(random), random.Next(3) == 0 ? null : RandomText(random),
                Enumerable.Range(0, random.Next(0, 4)).Select(_ => RandomText(random)).ToList());
            var envelope = new Envelope<SecretDto>(true, [], [], secret);

            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                Assert.True(SecretEnvelopeJson.TryWrite(writer, envelope));
            }

            Assert.Equal(Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(envelope, WireJson.Options)), Encoding.UTF8.GetString(buffer.WrittenSpan));
        }
    }

    [Fact]
    public void OtherEnvelopesAreLeftToTheSerializer()
    {
        using var writer = new Utf8JsonWriter(new System.Buffers.ArrayBufferWriter<byte>());
        Assert.False(SecretEnvelopeJson.TryWrite(writer, new Envelope<StoreDto>(true, [], [], null)));
        Assert.False(SecretEnvelopeJson.TryWrite(writer, new Envelope<SecretDto>(false, [new ErrorItem(1001, "x")], [], null)));
        Assert.Equal(0, writer.BytesCommitted + writer.BytesPending);
    }
}
