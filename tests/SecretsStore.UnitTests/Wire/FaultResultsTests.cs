using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SecretsStore.Api.Wire;

namespace SecretsStore.UnitTests.Wire;

/// <summary>Faults answer 503 when storage or the cluster could not be reached, else 500 — never with their text.</summary>
public sealed class FaultResultsTests
{
    private static async Task<(int Status, string Body, string? RetryAfter)> RenderAsync(Exception fault)
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        context.Response.Body = new MemoryStream();
        await FaultResults.For(fault).ExecuteAsync(context);
        context.Response.Body.Position = 0;
        return (context.Response.StatusCode, await new StreamReader(context.Response.Body).ReadToEndAsync(), context.Response.Headers.RetryAfter.FirstOrDefault());
    }

    [Fact]
    public async Task AnUnreachableDatabaseIs503WithRetryAfter()
    {
        var (status, body, retryAfter) = await RenderAsync(new InvalidOperationException("wrapped", new NpgsqlException("connection refused")));
        Assert.Equal(503, status);
        Assert.NotNull(retryAfter);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("errors")[0];
        Assert.Equal((10002, "service_unavailable"), (error.GetProperty("code").GetInt32(), error.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task ABugIs500WithoutItsMessage()
    {
        var (status, body, _) = await RenderAsync(new NullReferenceException("secret-value-in-a-message"));
        Assert.Equal(500, status);
        Assert.DoesNotContain("secret-value", body);
        Assert.Equal("internal_error", JsonDocument.Parse(body).RootElement.GetProperty("errors")[0].GetProperty("message").GetString());
    }

    [Fact]
    public async Task AClusterTimeoutIs503() =>
        Assert.Equal(503, (await RenderAsync(new TimeoutException())).Status);
}
