using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SecretsStore.Benchmarks.Tools;

/// <summary>
/// The GET baseline: Kestrel answering fixed JSON bytes (the service's own answer, captured) with nothing in between,
/// so the ratio shows what routing, credentials, the grain call and the envelope cost.
/// </summary>
public sealed class BareKestrel : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BareKestrel(WebApplication app) => _app = app;

    public Uri Address => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public static async Task<BareKestrel> StartAsync(byte[] json)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/", () => Results.Bytes(json, "application/json"));
        await app.StartAsync();
        return new BareKestrel(app);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
