using System.Text.Json;
using SecretsStore.Api.Audit;

namespace SecretsStore.Api.Endpoints;

/// <summary>
/// Reads and shapes a request body, answering with the error envelope when either step fails; on an audited route
/// that refusal is recorded first. The refusal takes the handler's own answer type, so the handler's declared
/// answer (and with it the route's documentation) is the same whichever way the request ends.
/// </summary>
internal static class BodyHandling
{
    public static async Task<TAnswer> WithBodyAsync<TBody, TAnswer>(
        HttpRequest request, Func<JsonElement, Outcome<TBody>> parse, Func<TBody, Task<TAnswer>> handle)
        where TAnswer : EnvelopeResult, IEnvelopeAnswer<TAnswer>
    {
        var parsed = await RequestBody.ReadAsync(request, parse);
        if (parsed.Succeeded)
        {
            return await handle(parsed.Value);
        }

        // Throttling is not audited, here as at the rate limiter: under load it would only add writes to the trail's
        // database, and it says nothing about what the principal did.
        return parsed.Error.Kind == ErrorKind.Throttled
            ? TAnswer.Refuse(parsed.Error)
            : await GatewayAudit.RefuseAsync<TAnswer>(request.HttpContext, parsed.Error);
    }
}
