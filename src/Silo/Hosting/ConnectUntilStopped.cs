using Microsoft.Extensions.Logging;

namespace SecretsStore.Silo.Hosting;

/// <summary>
/// A gateway waits for the cluster rather than giving up: started before any silo (compose, Kubernetes, or every silo
/// restarting at once), it keeps asking the membership table for live silos until one answers or it is asked to stop.
/// Orleans' default gives up after about three minutes and ends the process.
/// </summary>
public sealed partial class ConnectUntilStopped(ILogger<ConnectUntilStopped> logger) : IClientConnectionRetryFilter
{
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(1);

    private int _attempts;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        // Once at first and then every half minute: a gateway waiting for its silos is worth saying, not shouting.
        if (_attempts++ % 30 == 0)
        {
            WaitingForSilos(logger, exception.Message);
        }

        try
        {
            await Task.Delay(Pause, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No silo answers yet ({Reason}); trying again every second.")]
    private static partial void WaitingForSilos(ILogger logger, string reason);
}
