using System.Text.Json;
using SecretsStore.Api.Audit;

namespace SecretsStore.Api.Endpoints;

/// <summary>
/// Reads and shapes a request body, answering with the error envelope when either step fails; on an audited route
/// that refusal is recorded first.
/// </summary>
internal static class BodyHandling
{
    public static async Task<IResult> WithBodyAsync<T>(HttpRequest request, Func<JsonElement, Outcome<T>> parse, Func<T, Task<IResult>> handle)
    {
        var (body, failure) = await RequestBody.ReadAsync(request);
        if (failure is not null)
        {
            return await GatewayAudit.RefuseAsync(request.HttpContext, failure);
        }

        var parsed = parse(body);
        return parsed.Succeeded ? await handle(parsed.Value) : await GatewayAudit.RefuseAsync(request.HttpContext, ApiResults.Error(parsed.Error));
    }
}
