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
