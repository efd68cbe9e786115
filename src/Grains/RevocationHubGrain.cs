using SecretsStore.Grains.Abstractions;

namespace SecretsStore.Grains;

/// <summary>
/// The cluster's revocation hub: a list of gateway observers, each with the time its subscription lapses. A
/// subscription lapses unless renewed, so a gateway that died without unsubscribing is dropped after
/// <see cref="RevocationHub.SubscriptionLifetime"/>; pushes to it before then are one-way and go nowhere.
/// </summary>
public sealed class RevocationHubGrain(TimeProvider clock) : Grain, IRevocationHubGrain
{
    private readonly Dictionary<IRevocationObserver, DateTimeOffset> _subscribers = [];

    public Task SubscribeAsync(IRevocationObserver observer)
    {
        _subscribers[observer] = clock.GetUtcNow() + RevocationHub.SubscriptionLifetime;
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(IRevocationObserver observer)
    {
        _subscribers.Remove(observer);
        return Task.CompletedTask;
    }

    public Task PublishAsync(Revocation revocation)
    {
        var now = clock.GetUtcNow();
        foreach (var (observer, lapses) in _subscribers.ToList())
        {
            if (lapses <= now)
            {
                _subscribers.Remove(observer);
                continue;
            }

            // One-way: the call returns once the message is queued.
            _ = observer.RevokedAsync(revocation);
        }

        return Task.CompletedTask;
    }
}
