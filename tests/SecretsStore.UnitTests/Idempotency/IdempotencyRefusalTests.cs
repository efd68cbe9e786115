using Microsoft.AspNetCore.Http;
using SecretsStore.Api.Idempotency;
using SecretsStore.Api.Wire;

namespace SecretsStore.UnitTests.Idempotency;

/// <summary>
/// docs/api.md, "Idempotency-Key": each refusal is the error envelope with its status, code, token and hint; a key in
/// use tells the client to repeat (Retry-After, no <c>x-should-retry: false</c>), a reused key tells it not to.
/// </summary>
public sealed class IdempotencyRefusalTests
{
    private static async Task<(int Status, string? RetryAfter, string? ShouldRetry, string Body)> WireOf(EnvelopeResult answer)
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        await answer.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        var headers = context.Response.Headers;
        return (context.Response.StatusCode, headers.RetryAfter.FirstOrDefault(), headers["x-should-retry"].FirstOrDefault(),
            await new StreamReader(context.Response.Body).ReadToEndAsync());
    }

    [Fact]
    public async Task AKeyInUseIs409WithRetryAfterAndMayBeRepeated()
    {
        var wire = await WireOf(EnvelopeResult.RetryLater(IdempotencyErrors.KeyInUse(), retryAfterSeconds: 1));
        Assert.Equal((409, "1", null), (wire.Status, wire.RetryAfter, wire.ShouldRetry));
        Assert.Contains("""{"code":1003,"message":"idempotency_key_in_use: a request with this key is still running; repeat it after Retry-After to get its answer"}""", wire.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReusedKeyIs422WithCode1001AndIsNotRepeated()
    {
        var wire = await WireOf(ApiResults.Error(IdempotencyErrors.KeyReused(TimeSpan.FromHours(24))));
        Assert.Equal((422, null, "false"), (wire.Status, wire.RetryAfter, wire.ShouldRetry));
        Assert.Contains(
            """{"code":1001,"message":"idempotency_key_reused: this key was used within the last 24 hours for a request with another method, path or body; send a new key for a new request"}""",
            wire.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAnswerNotKeptNamesTheRequestToFindInTheTrail()
    {
        var refusal = IdempotencyErrors.AnswerNotKept("0123abcd");
        Assert.Equal((409, 1003, "idempotency_answer_not_kept"), (refusal.Wire.Status, refusal.Wire.Code, refusal.Token));
        Assert.Contains("request id 0123abcd in the audit trail", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AWindowOfOtherThanWholeHoursIsWrittenAsATime() =>
        Assert.Contains("within the last 00:00:30 for", IdempotencyErrors.KeyReused(TimeSpan.FromSeconds(30)).Message, StringComparison.Ordinal);
}
