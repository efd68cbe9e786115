using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SecretsStore.Benchmarks.Tools;

/// <summary>
/// The GET baselines: Kestrel answering fixed JSON bytes (the service's own answer, captured).
/// <see cref="BareAsync"/> has nothing in between, so the ratio shows what routing, credentials, the grain call and
/// the envelope cost. <see cref="WithOneGrainCallAsync"/> adds a silo in the same process and one call per request
/// to a grain returning those bytes: the ceiling the design (the gateway calls the store's grain for every request)
/// allows, so it shows what the grain hop costs on its own, and what everything else in a request costs.
/// </summary>
public sealed class FixedJsonServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FixedJsonServer(WebApplication app) => _app = app;

    public Uri Address => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public static Task<FixedJsonServer> BareAsync(byte[] json) =>
        StartAsync(_ => { }, app => app.MapGet("/", () => Results.Bytes(json, "application/json")));

    public static Task<FixedJsonServer> WithOneGrainCallAsync(byte[] json) => StartAsync(
        builder => builder.UseOrleans(silo => silo.UseLocalhostClustering(FreePorts.Next(), FreePorts.Next()))
            .Services.AddSingleton(new FixedAnswer(json)),
        app =>
        {
            var grains = app.Services.GetRequiredService<IGrainFactory>();
            app.MapGet("/", async () => Results.Bytes((await grains.GetGrain<IFixedAnswerGrain>(0).GetAsync()).Json, "application/json"));
        });

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static async Task<FixedJsonServer> StartAsync(Action<WebApplicationBuilder> configure, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        configure(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new FixedJsonServer(app);
    }
}
