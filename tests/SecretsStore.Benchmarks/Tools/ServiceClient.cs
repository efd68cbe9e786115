using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace SecretsStore.Benchmarks.Tools;

/// <summary>The admin and account calls a scenario prepares its data with, over HTTP, whatever process serves them.</summary>
public sealed class ServiceClient(HttpClient http, string adminToken)
{
    /// <summary>A new account with a write token and room for millions of secrets and a thousand stores.</summary>
    public async Task<BenchAccount> NewAccountAsync()
    {
        var id = (await SendAsync(HttpMethod.Post, "/admin/v1/accounts", adminToken, new { name = "bench" })).GetProperty("id").GetString()!;
        var token = (await SendAsync(HttpMethod.Post, $"/admin/v1/accounts/{id}/tokens", adminToken, new { name = "w", permission = "write" }))
            .GetProperty("token").GetString()!;
        await SendAsync(HttpMethod.Put, $"/admin/v1/accounts/{id}/quota", adminToken, new { secrets = 100_000_000, stores = 1_000 });
        return new BenchAccount(id, token);
    }

    public async Task<string> NewStoreAsync(BenchAccount account, string name) =>
        (await SendAsync(HttpMethod.Post, $"{account.Base}/stores", account.Token, new { name })).GetProperty("id").GetString()!;

    /// <summary>Sends a request and answers the envelope's result, or throws with the answer when it failed.</summary>
    public async Task<JsonElement> SendAsync(HttpMethod method, string path, string token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {text}");
        }

        return JsonDocument.Parse(text).RootElement.GetProperty("result").Clone();
    }
}
