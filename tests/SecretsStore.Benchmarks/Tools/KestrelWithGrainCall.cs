using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace SecretsStore.Benchmarks.Tools;

/// <summary>The fixed answer, marked immutable so Orleans hands it over without copying it.</summary>
[GenerateSerializer, Immutable, Alias("SecretsStore.Benchmarks.FixedAnswer")]
public sealed record FixedAnswer([property: Id(0)] byte[] Json);

[Alias("SecretsStore.Benchmarks.IFixedAnswerGrain")]
public interface IFixedAnswerGrain : IGrainWithIntegerKey
{
    [Alias("Get")]
    Task<FixedAnswer> GetAsync();
}

/// <summary>Answers from memory and nothing else, interleaving requests as the store grain does.</summary>
[Reentrant]
public sealed class FixedAnswerGrain(FixedAnswer answer) : Grain, IFixedAnswerGrain
{
    public Task<FixedAnswer> GetAsync() => Task.FromResult(answer);
}

/// <summary>
/// The GET ceiling the design allows: Kestrel and a silo in one process, each request making one call to a grain
/// that returns the same JSON bytes. Set beside bare Kestrel, it shows what the gateway-to-grain hop costs on its
/// own; set beside the service, what everything else in a request (credentials, rate limit, routing, the store's
/// checks, the envelope) costs.
/// </summary>
public sealed class KestrelWithGrainCall : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelWithGrainCall(WebApplication app) => _app = app;

    public Uri Address => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public static async Task<KestrelWithGrainCall> StartAsync(byte[] json)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(new FixedAnswer(json));
        builder.UseOrleans(silo => silo.UseLocalhostClustering(FreePorts.Next(), FreePorts.Next()));
        var app = builder.Build();
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        app.MapGet("/", async () => Results.Bytes((await grains.GetGrain<IFixedAnswerGrain>(0).GetAsync()).Json, "application/json"));
        await app.StartAsync();
        return new KestrelWithGrainCall(app);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
