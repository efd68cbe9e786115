using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Http;

[Collection(ServiceCollection.Name)]
public sealed class HealthTests(ServiceFixture service)
{
    [Fact]
    public async Task HealthzSaysTheProcessIsUp()
    {
        var response = await service.Api.GetAsync("/healthz", null);
        Assert.Equal((200, "ok"), (response.Status, response.Body.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task ReadyzSaysStorageAndClusterAnswer()
    {
        var response = await service.Api.GetAsync("/readyz", null);
        Assert.Equal(200, response.Status);
        Assert.Equal("ok", response.Body.GetProperty("storage").GetString());
        Assert.Equal("ok", response.Body.GetProperty("cluster").GetString());
    }
}
