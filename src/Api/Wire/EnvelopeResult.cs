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
public class EnvelopeResult(object envelope, int status, int retryAfterSeconds = 1) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => status;

    /// <summary>The first error of a failure envelope, for the audit trail; null for a success.</summary>
    public (int Status, int Code, string Message)? Refusal =>
        envelope is ErrorEnvelope { Errors: [var first, ..] } ? (status, first.Code, first.Message) : null;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.Headers.CacheControl = "no-store";
        if (status is 400 or 403 or 404 or 409 or 413)
        {
            // Without this the Cloudflare SDK repeats a 409 three times.
            response.Headers["x-should-retry"] = "false";
        }

        if (status is 400 or 401 or 403 && Refusal is { } refusal)
        {
            // Credential and quota refusals are counted here, where every one of them is answered.
            httpContext.RequestServices?.GetService<GatewayMetrics>()?.Refusal(refusal.Status, refusal.Code, refusal.Message);
        }

        if (status is 429 or 503)
        {
            response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var buffer = ResponseBuffer.Rent();
        try
        {
            if (!SecretEnvelopeJson.TryWrite(buffer.Writer, envelope))
            {
                JsonSerializer.Serialize(buffer.Writer, envelope, envelope.GetType(), WireJson.Options);
            }

            buffer.Writer.Flush();
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
}
