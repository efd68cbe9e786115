using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace SecretsStore.Tests.Infrastructure;

/// <summary>One HTTP answer: status, headers and the parsed body.</summary>
public sealed record ApiResponse(int Status, HttpResponseHeaders Headers, string ContentType, JsonElement Body)
{
    public JsonElement Result => Body.GetProperty("result");
    public bool Success => Body.GetProperty("success").GetBoolean();
    public int ErrorCode => Body.GetProperty("errors")[0].GetProperty("code").GetInt32();
    public string ErrorMessage => Body.GetProperty("errors")[0].GetProperty("message").GetString()!;

    /// <summary>The first error's token: its message up to the first <c>: </c> (what clients match on).</summary>
    public string ErrorToken => ErrorMessage.Split(": ", 2)[0];

    /// <summary>
    /// <paramref name="start"/> when the first error's message is it, or goes on from it with a hint (<c>: </c> or
    /// <c>; </c>); else the whole message, so that an assertion shows what was said.
    /// </summary>
    public string ErrorMessageStarting(string start) =>
        ErrorMessage == start || ErrorMessage.StartsWith(start + ": ", StringComparison.Ordinal) || ErrorMessage.StartsWith(start + "; ", StringComparison.Ordinal)
            ? start
            : ErrorMessage;

    public string? ErrorPointer =>
        Body.GetProperty("errors")[0].TryGetProperty("source", out var source) ? source.GetProperty("pointer").GetString() : null;

    public string? Header(string name) => Headers.TryGetValues(name, out var values) ? values.First() : null;
}

/// <summary>Calls the service as a client would: raw JSON in, envelope out.</summary>
public sealed class ApiClient(HttpClient http)
{
    public Task<ApiResponse> GetAsync(string path, string? token) => SendAsync(HttpMethod.Get, path, token);

    public Task<ApiResponse> PostAsync(string path, string? token, object? body) => SendAsync(HttpMethod.Post, path, token, body);

    public Task<ApiResponse> PatchAsync(string path, string? token, object? body) => SendAsync(HttpMethod.Patch, path, token, body);

    public Task<ApiResponse> PutAsync(string path, string? token, object? body) => SendAsync(HttpMethod.Put, path, token, body);

    public Task<ApiResponse> DeleteAsync(string path, string? token, object? body = null) => SendAsync(HttpMethod.Delete, path, token, body);

    /// <param name="body">An object to serialise, a string sent verbatim, or null for no body.</param>
    public async Task<ApiResponse> SendAsync(
        HttpMethod method, string path, string? token, object? body = null, string contentType = "application/json",
        IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (body is not null)
        {
            var text = body as string ?? JsonSerializer.Serialize(body);
            request.Content = new StringContent(text, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await http.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        var parsed = raw.Length == 0 ? default : JsonDocument.Parse(raw).RootElement.Clone();
        return new ApiResponse((int)response.StatusCode, response.Headers, response.Content.Headers.ContentType?.MediaType ?? "", parsed);
    }
}
