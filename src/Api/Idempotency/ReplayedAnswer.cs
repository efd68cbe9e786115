namespace SecretsStore.Api.Idempotency;

/// <summary>
/// A keyed write's first answer, given again: the same status and body, with the envelope's headers and
/// <c>Idempotent-Replayed: true</c>. Not an <see cref="EnvelopeResult"/>, so the trail does not record a refusal twice.
/// </summary>
public sealed class ReplayedAnswer(int status, byte[] body) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => status;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        EnvelopeResult.WriteHeaders(response, status);
        response.Headers[IdempotencyKeyHeader.Replayed] = "true";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
    }
}
