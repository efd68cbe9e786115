using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SecretsStore.Api;
using SecretsStore.Api.Access;
using SecretsStore.Api.Wire;
using SecretsStore.Grains.Abstractions;

namespace SecretsStore.UnitTests.Security;

/// <summary>
/// Review finding 11: a body's buffer was allocated from its Content-Length before any byte arrived, so a client
/// announcing 8 MiB and sending nothing held 8 MiB of the gateway's memory, and nothing bounded how many did.
/// </summary>
public sealed class RequestBodyTests
{
    private static Outcome<int> Accept(JsonElement _) => 1;

    [Fact]
    public async Task AnAnnouncedLengthCostsNothingUntilItsBytesArrive()
    {
        var request = Request("""{"name": "small"}""", contentLength: RequestBody.MaxBytes);
        var before = GC.GetAllocatedBytesForCurrentThread();

        var reading = RequestBody.ReadAsync(request, Accept);

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(reading.IsCompletedSuccessfully, "a body already received is read without waiting");
        Assert.True((await reading).Succeeded);
        Assert.True(allocated < 256 * 1024, $"reading a 17-byte body that announced 8 MiB allocated {allocated:N0} bytes");
    }

    [Fact]
    public async Task ABodyOfExactlyTheLimitIsReadAndOneByteMoreIsRefusedWithoutContentLength()
    {
        var exactly = "\"" + new string('x', RequestBody.MaxBytes - 2) + "\"";
        Assert.True((await RequestBody.ReadAsync(Request(exactly, contentLength: null), Accept)).Succeeded);

        var over = await RequestBody.ReadAsync(Request(exactly + " ", contentLength: null), Accept);
        Assert.Equal(413, over.Error?.Wire.Status);
    }

    [Fact]
    public async Task PastTheLimitOfBodiesInFlightARequestIsThrottledAndNothingOfItIsRead()
    {
        var services = Services(maxConcurrentReads: 1);
        var reads = services.GetRequiredService<BodyReads>();
        Assert.True(reads.TryEnter(null));
        var request = Request("""{"name": "waiting"}""", contentLength: 19, services);

        var refused = await RequestBody.ReadAsync(request, Accept);

        Assert.Equal((429, 971), refused.Error?.Wire);
        Assert.StartsWith("Please wait and consider throttling your request speed", refused.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(0, request.Body.Position);

        reads.Exit(null);
        Assert.True((await RequestBody.ReadAsync(request, Accept)).Succeeded);
        Assert.Equal(0, reads.InProgress);
    }

    [Fact]
    public async Task OneCredentialCannotTakeEveryPlace()
    {
        var services = Services(maxConcurrentReads: 3, perCredential: 1);
        var reads = services.GetRequiredService<BodyReads>();
        var trickler = Request("""{"name": "a"}""", 13, services, token: "trickler");
        Assert.True(reads.TryEnter(PresentedCredential.Of(trickler.HttpContext).Partition));

        Assert.Equal(429, (await RequestBody.ReadAsync(Request("""{"name": "a"}""", 13, services, token: "trickler"), Accept)).Error?.Wire.Status);
        Assert.True((await RequestBody.ReadAsync(Request("""{"name": "b"}""", 13, services, token: "someone-else"), Accept)).Succeeded);

        reads.Exit(PresentedCredential.Of(trickler.HttpContext).Partition);
        Assert.True((await RequestBody.ReadAsync(Request("""{"name": "a"}""", 13, services, token: "trickler"), Accept)).Succeeded);
        Assert.Equal(0, reads.InProgress);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{not json")]
    [InlineData("""{"name": "ok"}""")]
    public async Task EveryReadGivesItsPlaceBack(string body)
    {
        var services = Services(maxConcurrentReads: 1);
        await RequestBody.ReadAsync(Request(body, Encoding.UTF8.GetByteCount(body), services), Accept);
        Assert.Equal(0, services.GetRequiredService<BodyReads>().InProgress);
    }

    [Fact]
    public void TheSettingsRefuseNoPlaceAtAllAndAGracePeriodKestrelWouldRefuse()
    {
        Assert.Contains("MaxConcurrentReads", new BodyOptions { MaxConcurrentReads = 0 }.Problem());
        Assert.Contains("MaxConcurrentReadsPerCredential", new BodyOptions { MaxConcurrentReadsPerCredential = 0 }.Problem());
        Assert.Contains("MinDataRateGracePeriod", new BodyOptions { MinDataRateGracePeriod = TimeSpan.FromSeconds(1) }.Problem());
        Assert.Null(new BodyOptions { MinDataRate = 0 }.Problem());
    }

    private static HttpRequest Request(string body, long? contentLength, IServiceProvider? services = null, string? token = null)
    {
        var context = new DefaultHttpContext { RequestServices = services! };
        if (token is not null)
        {
            context.Request.Headers.Authorization = $"Bearer {token}";
        }

        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        context.Request.ContentLength = contentLength;
        return context.Request;
    }

    private static ServiceProvider Services(int maxConcurrentReads, int perCredential = 8) =>
        new ServiceCollection()
            .AddSingleton(Options.Create(new ApiOptions { Bodies = { MaxConcurrentReads = maxConcurrentReads, MaxConcurrentReadsPerCredential = perCredential } }))
            .AddSingleton<BodyReads>()
            .BuildServiceProvider();
}
