using System.Buffers;
using System.Text.Json;

namespace SecretsStore.Api.Wire;

/// <summary>
/// Reads a request body as JSON whatever its Content-Type (wrangler sends text/plain), within the 8 MiB limit.
/// </summary>
public static class RequestBody
{
    public const int MaxBytes = 8 * 1024 * 1024;

    /// <returns>The parsed body, or the refusal (413 too large, 400 missing or not JSON).</returns>
    public static async Task<(JsonElement Body, StoreError? Failure)> ReadAsync(HttpRequest request)
    {
        if (request.ContentLength > MaxBytes)
        {
            return (default, Errors.BodyTooLarge());
        }

        // Sized from Content-Length when the client sent one, so a typical body is read into one exact buffer.
        using var buffer = new MemoryStream(request.ContentLength is > 0 and var length ? (int)length : 1024);
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
            {
                if (buffer.Length + read > MaxBytes)
                {
                    return (default, Errors.BodyTooLarge());
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        if (buffer.Length == 0)
        {
            return (default, Errors.InvalidJsonBody("the request has no body"));
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
            return (document.RootElement.Clone(), null);
        }
        catch (JsonException)
        {
            return (default, Errors.InvalidJsonBody("the body is not valid JSON"));
        }
    }
}
