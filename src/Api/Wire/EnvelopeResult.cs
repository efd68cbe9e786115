using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SecretsStore.Api.Observability;

namespace SecretsStore.Api.Wire;

/// <summary>Writes an envelope with the headers clients rely on, in one write with its Content-Length.</summary>
/// <remarks>
/// Not sealed: the typed answers handlers return derive from it, so that an answer stays one object per request.
/// </remarks>
/// <param name="retryAfterSeconds">For 429 and 503: when the client may try again.</param>
/// <param name="refusal">The refusal a failure envelope answers with; null for a success.</param>
public class EnvelopeResult(object envelope, int status, int retryAfterSeconds = 1, StoreError? refusal = null) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => status;

    /// <summary>The refusal this answers with, for the audit trail and the metrics; null for a success.</summary>
    public StoreError? Refusal => refusal;

    /// <summary>
    /// The refusal came from a grain, which recorded it with its decision: on an audited route the gateway must not
    /// record it again (<see cref="SecretsStore.Api.Audit.AuditedRefusals"/>). Set by <see cref="ApiResults.From"/>.
    /// </summary>
    public bool RecordedByGrain { get; private set; }

    /// <summary>Marks a refusal answer, made for this request alone, as one a grain has recorded.</summary>
    internal static TAnswer RecordedRefusal<TAnswer>(TAnswer refusal) where TAnswer : EnvelopeResult
    {
        refusal.RecordedByGrain = refusal.Refusal is not null;
        return refusal;
    }

    /// <summary>
    /// A refusal the client should repeat after <see cref="RetryAfterSeconds"/> (409 <c>idempotency_key_in_use</c>): it
    /// carries Retry-After, and not the <c>x-should-retry: false</c> other conflicts carry.
    /// </summary>
    public static EnvelopeResult RetryLater(StoreError refusal, int retryAfterSeconds) =>
        new(ApiResults.ErrorEnvelopeOf(refusal), refusal.Wire.Status, retryAfterSeconds, refusal) { _retryLater = true };

    private bool _retryLater;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        WriteHeaders(response, status, _retryLater ? retryAfterSeconds : null);
        if (status is 400 or 401 or 403 && refusal is not null)
        {
            // Credential and quota refusals are counted here, where every one of them is answered.
            httpContext.RequestServices?.GetService<GatewayMetrics>()?.Refusal(status, refusal.Wire.Code, refusal.Message);
        }

        if (status is 429 or 503)
        {
            response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var buffer = ResponseBuffer.Rent();
        try
        {
            Serialize(buffer);
            response.ContentLength = buffer.Written.Length;
            response.BodyWriter.Write(buffer.Written);
        }
        finally
        {
            buffer.Return();
        }

        var flushed = response.BodyWriter.FlushAsync(httpContext.RequestAborted);
        return flushed.IsCompletedSuccessfully ? Task.CompletedTask : flushed.AsTask();
    }

    /// <summary>The body this answer writes, as a copy of its own (a keyed write's answer is kept, sealed).</summary>
    internal byte[] Render()
    {
        var buffer = ResponseBuffer.Rent();
        try
        {
            Serialize(buffer);
            return buffer.Written.ToArray();
        }
        finally
        {
            buffer.Return();
        }
    }

    /// <summary>
    /// The headers of an envelope with <paramref name="answerStatus"/>, for this answer and for a replay of it;
    /// <paramref name="retryAfter"/> for a refusal the client should repeat.
    /// </summary>
    internal static void WriteHeaders(HttpResponse response, int answerStatus, int? retryAfter = null)
    {
        response.StatusCode = answerStatus;
        response.ContentType = "application/json";
        response.Headers.CacheControl = "no-store";
        if (retryAfter is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (answerStatus is 400 or 403 or 404 or 409 or 413 or 422)
        {
            // Without this the Cloudflare SDK repeats a 409 three times.
            response.Headers["x-should-retry"] = "false";
        }
    }

    private void Serialize(ResponseBuffer buffer)
    {
        if (!SecretEnvelopeJson.TryWrite(buffer.Writer, envelope))
        {
            JsonSerializer.Serialize(buffer.Writer, envelope, envelope.GetType(), WireJson.Options);
        }

        buffer.Writer.Flush();
    }
}
