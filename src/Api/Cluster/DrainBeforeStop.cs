using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SecretsStore.Api.Cluster;

/// <summary>
/// The first step of a graceful stop. From the moment the process is asked to stop, <c>/readyz</c> answers 503, and
/// for <c>SecretsStore:Shutdown:DrainDelay</c> the gateway goes on serving as before, so a load balancer polling
/// readiness moves new requests elsewhere while nothing is refused. Only then does Kestrel stop accepting connections
/// and finish the requests it holds, and after it the silo hands off its grains (the host stops its services in the
/// reverse of their start, and the web server starts last).
/// </summary>
public sealed class DrainBeforeStop(IHostApplicationLifetime lifetime, IOptions<ApiOptions> options) : IHostedLifecycleService
{
    /// <summary>True from the moment the process was asked to stop.</summary>
    public bool Stopping => lifetime.ApplicationStopping.IsCancellationRequested;

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        var delay = options.Value.Shutdown.DrainDelay;
        return delay > TimeSpan.Zero ? Task.Delay(delay, cancellationToken) : Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
