using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace SecretsStore.Api.Wire;

/// <summary>
/// Reads a request body as JSON whatever its Content-Type (wrangler sends text/plain), within the 8 MiB limit. The
/// bytes are buffered as they arrive, starting small: a Content-Length of 8 MiB with nothing behind it costs a few KiB,
/// not 8 MiB. Of the bodies still arriving, at most <see cref="BodyOptions.MaxConcurrentReads"/> are read at once per
/// process, and <see cref="BodyOptions.MaxConcurrentReadsPerCredential"/> for one credential; a body that has arrived
/// whole is read at once.
/// </summary>
public static class RequestBody
{
    public const int MaxBytes = 8 * 1024 * 1024;

    /// <summary>The first buffer: most bodies (one secret, a store name) fit, and bigger ones double it as they arrive.</summary>
    private const int FirstBufferBytes = 4 * 1024;

    /// <summary>
    /// Reads the body and hands it to <paramref name="parse"/> while the buffer holding it is alive; the buffer is
    /// zeroed as soon as parsing is done, so no copy of the body's text outlives the request's own strings.
    /// </summary>
    /// <returns>What <paramref name="parse"/> answered, or the refusal: 413 too large, 400 missing, not JSON or not
    /// received whole, 429 when the body is still arriving and the process is already reading as many
    /// such bodies as it may.</returns>
    public static async Task<Outcome<T>> ReadAsync<T>(HttpRequest request, Func<JsonElement, Outcome<T>> parse)
    {
        var received = await ReceiveAsync(request);
        if (!received.Succeeded)
        {
            return received.Error;
        }

        using var bytes = received.Value;
        if (bytes.Length == 0)
        {
            return Errors.InvalidJsonBody("the request has no body");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes.Received);
        }
        catch (JsonException)
        {
            return Errors.InvalidJsonBody("the body is not valid JSON");
        }

        using (document)
        {
            return parse(document.RootElement);
        }
    }

    /// <summary>
    /// Receives the whole body within the size limit, holding a place among the bodies still arriving only while it
    /// arrives: for <see cref="ReadAsync{T}"/>, and for a caller that must see its bytes before the handler does (a keyed
    /// write's hash). The caller owns the bytes and disposes of them, which zeroes them.
    /// </summary>
    internal static async Task<Outcome<ArrivingBytes>> ReceiveAsync(HttpRequest request)
    {
        if (request.ContentLength > MaxBytes)
        {
            return GatewayErrors.BodyTooLarge();
        }

        var credential = PresentedCredential.Of(request.HttpContext).Partition;
        var reads = request.HttpContext.RequestServices?.GetService<BodyReads>();
        var waits = reads is not null && !ArrivedWhole(request);
        if (waits && !reads!.TryEnter(credential))
        {
            return GatewayErrors.TooManyBodies();
        }

        var bytes = new ArrivingBytes(FirstBufferBytes, MaxBytes);
        try
        {
            if (await ReceiveAsync(request, bytes) is { } refusal)
            {
                bytes.Dispose();
                return refusal;
            }

            return bytes;
        }
        catch
        {
            bytes.Dispose();
            throw;
        }
        finally
        {
            if (waits)
            {
                reads!.Exit(credential);
            }
        }
    }

    /// <summary>
    /// Whether the whole body is already in the server's buffer. Reading it then waits for nothing and holds nothing
    /// beyond this turn, so it needs no place among the bodies still arriving: a client with many connections on one
    /// token, its bodies sent with their headers, is never throttled by bodies that wait on the network. Only the
    /// server's own buffer is looked at (nothing is consumed); a body larger than that buffer is never whole here.
    /// </summary>
    private static bool ArrivedWhole(HttpRequest request)
    {
        var reader = request.BodyReader;
        if (!reader.TryRead(out var peek))
        {
            return false;
        }

        reader.AdvanceTo(peek.Buffer.Start);
        return peek.IsCompleted;
    }

    /// <returns>Null once the whole body is in <paramref name="bytes"/>, else the refusal.</returns>
    private static async Task<StoreError?> ReceiveAsync(HttpRequest request, ArrivingBytes bytes)
    {
        var aborted = request.HttpContext.RequestAborted;
        try
        {
            while (!bytes.IsFull)
            {
                var read = await request.Body.ReadAsync(bytes.Space(), aborted);
                if (read == 0)
                {
                    return null;
                }

                bytes.Advance(read);
            }

            // Exactly at the limit: one byte more means the body is over it.
            return await request.Body.ReadAsync(new byte[1], aborted) > 0 ? GatewayErrors.BodyTooLarge() : null;
        }
        catch (BadHttpRequestException refused)
        {
            // Kestrel's own refusals while the body arrives: over its size cap, cut short, or slower than
            // SecretsStore:Bodies:MinDataRate (it closes that connection itself).
            return refused.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? GatewayErrors.BodyTooLarge()
                : Errors.InvalidJsonBody("the body did not arrive whole");
        }
    }
}
