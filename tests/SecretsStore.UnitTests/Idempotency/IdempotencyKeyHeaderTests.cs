using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using SecretsStore.Api.Idempotency;

namespace SecretsStore.UnitTests.Idempotency;

/// <summary>docs/api.md, "Idempotency-Key": one key of 1 to 255 printable ASCII characters; anything else is 400 with a hint.</summary>
public sealed class IdempotencyKeyHeaderTests
{
    private static (string? Key, string? Refusal) Read(params string[] values)
    {
        var headers = new HeaderDictionary();
        if (values.Length > 0)
        {
            headers[IdempotencyKeyHeader.Name] = new StringValues(values);
        }

        var refusal = IdempotencyKeyHeader.TryRead(headers, out var key);
        return (key, refusal is null ? null : $"{refusal.Wire.Status} {refusal.Wire.Code} {refusal.Message}");
    }

    [Fact]
    public void NoHeaderIsNoKeyAndNoRefusal() => Assert.Equal((null, null), Read());

    [Theory]
    [InlineData("k")]
    [InlineData("7f1c2b0e-6c1d-4d2e-9a51-3f0f6c2d8e11")]
    [InlineData("a key with spaces and ~!@#$%^&*()")]
    public void APrintableKeyIsTakenAsSent(string key) => Assert.Equal((key, null), Read(key));

    [Fact]
    public void AKeyOf255CharactersIsTheLongestTaken()
    {
        var longest = new string('k', 255);
        Assert.Equal((longest, null), Read(longest));
    }

    [Fact]
    public void AKeyOf256CharactersIsRefusedSayingHowLong() =>
        Assert.Equal((null, "400 1001 idempotency_key_invalid: the key has 256 characters; send 1 to 255"), Read(new string('k', 256)));

    [Fact]
    public void AnEmptyKeyIsRefused() =>
        Assert.Equal((null, "400 1001 idempotency_key_invalid: the key is empty; send 1 to 255 characters"), Read(""));

    [Theory]
    [InlineData("schlüssel")]
    [InlineData("tab\there")]
    public void AKeyOutsidePrintableAsciiIsRefused(string key) =>
        Assert.Equal((null, "400 1001 idempotency_key_invalid: a key is printable ASCII (space to ~), e.g. a UUID"), Read(key));

    [Fact]
    public void TwoKeysInOneRequestAreRefused() =>
        Assert.Equal((null, "400 1001 idempotency_key_invalid: send one Idempotency-Key header"), Read("a", "b"));

    [Theory]
    [InlineData("POST", true)]
    [InlineData("PATCH", true)]
    [InlineData("DELETE", true)]
    [InlineData("GET", false)]
    [InlineData("HEAD", false)]
    [InlineData("PUT", false)]
    public void OnlyTheWriteMethodsTakeAKey(string method, bool takes) => Assert.Equal(takes, IdempotencyKeyHeader.Writes(method));
}
