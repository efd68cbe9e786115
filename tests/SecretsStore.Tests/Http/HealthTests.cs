using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Http;

[Collection(AppCollection.Name)]
public sealed class HealthTests(AppFixture app)
{
    [Fact]
    public async Task HealthzSaysTheProcessIsUp()
    {
        var response = await app.Api.GetAsync("/healthz", null);
        Assert.Equal((200, "ok"), (response.Status, response.Body.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task ReadyzSaysStorageAndClusterAnswer()
    {
        var response = await app.Api.GetAsync("/readyz", null);
        Assert.Equal(200, response.Status);
        Assert.Equal("ok", response.Body.GetProperty("storage").GetString());
        Assert.Equal("ok", response.Body.GetProperty("cluster").GetString());
    }
}
