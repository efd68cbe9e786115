using System.Text.Json;
using SecretsStore.Api.Audit;

namespace SecretsStore.Api.Endpoints;

/// <summary>
/// Reads and shapes a request body, answering with the error envelope when either step fails (on an audited route,
/// <see cref="AuditedRefusals"/> records it). The refusal takes the handler's own answer type, so the handler's declared
/// answer (and with it the route's documentation) is the same whichever way the request ends.
/// </summary>
internal static class BodyHandling
{
    public static async Task<TAnswer> WithBodyAsync<TBody, TAnswer>(
        HttpRequest request, Func<JsonElement, Outcome<TBody>> parse, Func<TBody, Task<TAnswer>> handle)
        where TAnswer : EnvelopeResult, IEnvelopeAnswer<TAnswer>
    {
        var parsed = await RequestBody.ReadAsync(request, parse);
        return parsed.Succeeded ? await handle(parsed.Value) : TAnswer.Refuse(parsed.Error);
    }
}
