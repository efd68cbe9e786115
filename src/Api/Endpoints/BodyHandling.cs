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
        var (body, failure) = await RequestBody.ReadAsync(request);
        if (failure is not null)
        {
            return await GatewayAudit.RefuseAsync<TAnswer>(request.HttpContext, failure);
        }

        var parsed = parse(body);
        return parsed.Succeeded ? await handle(parsed.Value) : await GatewayAudit.RefuseAsync<TAnswer>(request.HttpContext, parsed.Error);
    }
}
