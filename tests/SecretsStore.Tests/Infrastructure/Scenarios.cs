using System.Text.Json;

namespace SecretsStore.Tests.Infrastructure;

/// <summary>Short ways to set up state through the public API.</summary>
public static class Scenarios
{
    public static async Task<string> CreateStoreAsync(this ApiClient api, TestAccount account, string? name = null)
    {
        var response = await api.PostAsync($"{account.Base}/stores", account.WriteToken, new { name = name ?? $"store_{Guid.NewGuid():N}" });
        Assert.True(response.Status == 200, $"store create answered {response.Status}: {response.Body}");
        return response.Result.GetProperty("id").GetString()!;
    }

    public static async Task<JsonElement> CreateSecretAsync(
        this ApiClient api, TestAccount account, string storeId, string name, string value = "s3cr3t", string[]? scopes = null, string? comment = null)
    {
        var response = await api.PostAsync($"{account.Base}/stores/{storeId}/secrets", account.WriteToken,
            new[] { new { name, value, scopes = scopes ?? ["workers"], comment } });
        Assert.True(response.Status == 200, $"secret create answered {response.Status}: {response.Body}");
        return response.Result[0];
    }

    public static async Task SetQuotaAsync(this AppFixture app, TestAccount account, int? secrets, int? stores)
    {
        var response = await app.Api.PutAsync($"/admin/v1/accounts/{account.Id}/quota", app.AdminToken, new { secrets, stores });
        Assert.Equal(200, response.Status);
    }

    public static List<string> Names(this ApiResponse response) =>
        response.Result.EnumerateArray().Select(e => e.GetProperty("name").GetString()!).ToList();
}
