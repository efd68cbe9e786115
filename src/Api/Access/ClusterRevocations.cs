using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SecretsStore.Api.Access;

/// <summary>
/// This gateway's end of the cluster's revocation hub (<see cref="IRevocationHubGrain"/>): it publishes what this
/// gateway revoked and applies what any gateway revoked. Grain observers rather than a broadcast channel, because
/// Orleans' broadcast channels reach silos only, and a standalone gateway is an Orleans client; an observer works on
/// both. The subscription is renewed every <see cref="RevocationHub.RenewalPeriod"/>, which also re-registers it
/// with a hub rebuilt on another silo after its silo died.
/// <para>
/// The credential caches stay the fallback: a revocation that does not arrive (the hub was being rebuilt, the
/// message was lost) still takes effect when the cached look-up expires (<c>SecretsStore:CredentialCacheDuration</c>).
/// </para>
/// </summary>
public sealed class ClusterRevocations(IGrainFactory grains, AccountRepository accounts, ILogger<ClusterRevocations> logger)
    : BackgroundService, IRevocationObserver
{
    /// <summary>How often a gateway not yet subscribed tries again (it starts before its cluster client may be connected).</summary>
    private static readonly TimeSpan RetryPeriod = TimeSpan.FromMilliseconds(250);

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(2);

    private IRevocationObserver? _reference;

    /// <summary>Raised for every revocation, this gateway's own and the others'; the credential resolver forgets its caches.</summary>
    public event Action<Revocation>? Revoked;

    /// <summary>Whether the hub has taken this gateway's subscription (and, until it lapses, sends it revocations).</summary>
    public bool Subscribed { get; private set; }

    /// <summary>Applies the revocation here at once, then has the hub carry it to every other gateway.</summary>
    public void Publish(Revocation revocation)
    {
        Apply(revocation);
        _ = SendAsync(revocation);
    }

    Task IRevocationObserver.RevokedAsync(Revocation revocation)
    {
        Apply(revocation);
        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // the host's start goes on; a co-hosted silo or a client connects meanwhile
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Orleans holds observers weakly: this field keeps the reference, and this singleton the object, alive.
                _reference ??= grains.CreateObjectReference<IRevocationObserver>(this);
                await Hub.SubscribeAsync(_reference).WaitAsync(CallTimeout, stoppingToken);
                if (!Subscribed)
                {
                    logger.LogDebug("Subscribed to the cluster's revocation hub");
                }

                Subscribed = true;
            }
            catch (Exception fault) when (fault is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // Not connected yet, or the hub's silo just died: revocations reach this gateway through its cache until the next try.
                if (Subscribed)
                {
                    logger.LogWarning("Could not renew the subscription to the revocation hub ({Fault}); retrying", fault.GetType().Name);
                }

                Subscribed = false;
            }

            try
            {
                await Task.Delay(Subscribed ? RevocationHub.RenewalPeriod : RetryPeriod, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_reference is null)
        {
            return;
        }

        try
        {
            await Hub.UnsubscribeAsync(_reference).WaitAsync(CallTimeout, cancellationToken);
            grains.DeleteObjectReference<IRevocationObserver>(_reference);
        }
        catch (Exception)
        {
            // Stopping anyway: the hub drops the subscription when it lapses.
        }

        _reference = null;
    }

    private IRevocationHubGrain Hub => grains.GetGrain<IRevocationHubGrain>(0);

    private void Apply(Revocation revocation)
    {
        if (revocation.AccountId is { } accountId)
        {
            accounts.Forget(accountId);
        }

        Revoked?.Invoke(revocation);
    }

    /// <summary>A few tries: a hub that just lost its silo comes back on another within seconds.</summary>
    private async Task SendAsync(Revocation revocation)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Hub.PublishAsync(revocation).WaitAsync(CallTimeout);
                return;
            }
            catch (Exception fault) when (attempt < 3)
            {
                logger.LogDebug("Publishing a revocation failed ({Fault}); trying again", fault.GetType().Name);
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
            catch (Exception fault)
            {
                logger.LogWarning(
                    "A revocation could not be sent to the other gateways ({Fault}); they stop honouring the credential when their cache expires",
                    fault.GetType().Name);
                return;
            }
        }
    }
}
