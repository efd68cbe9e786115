namespace SecretsStore.Tests.Infrastructure;

/// <summary>
/// Reading a value back the one way the service gives it out: a service through the value route. A test that needs
/// to know a stored value opened intact reads it here (a PATCH with the same value no longer tells).
/// </summary>
public static class ValueReads
{
    public static async Task<string> ReadValueAsync(this ApiClient api, TestService service, string accountId, string storeId, string secretId)
    {
        var response = await api.GetAsync($"{TestService.Base(accountId)}/stores/{storeId}/secrets/{secretId}/value", service.Token);
        Assert.True(response.Status == 200, $"value read answered {response.Status}: {response.Body}");
        return response.Result.GetProperty("value").GetString()!;
    }
}
