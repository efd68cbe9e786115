using Orleans.Concurrency;

namespace SecretsStore.Grains.Abstractions;

/// <summary>
/// Carries revocations to every gateway of the cluster, co-hosted ones and standalone ones (Orleans clients) alike,
/// so that a credential revoked through one gateway stops working on all of them at once rather than when their
/// credential caches expire. Use key 0: one hub for the cluster. Gateways subscribe an observer and renew the
/// subscription every few seconds; the hub keeps no state in storage, so a hub lost with its silo is rebuilt by the
/// next renewals, and until then each gateway's credential cache is the fallback.
/// </summary>
[Alias("SecretsStore.IRevocationHubGrain")]
public interface IRevocationHubGrain : IGrainWithIntegerKey
{
    /// <summary>Adds the observer, or renews it, for <see cref="RevocationHub.SubscriptionLifetime"/>.</summary>
    [Alias("Subscribe")]
    Task SubscribeAsync(IRevocationObserver observer);

    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(IRevocationObserver observer);

    /// <summary>Sends the revocation to every subscribed gateway (the sender's own included), without waiting for them.</summary>
    [Alias("Publish")]
    Task PublishAsync(Revocation revocation);
}

/// <summary>A gateway's end of <see cref="IRevocationHubGrain"/>.</summary>
[Alias("SecretsStore.IRevocationObserver")]
public interface IRevocationObserver : IGrainObserver
{
    /// <summary>One-way: a slow or vanished gateway holds up neither the hub nor the other gateways.</summary>
    [Alias("Revoked"), OneWay]
    Task RevokedAsync(Revocation revocation);
}

/// <summary>
/// Something that was revoked: every gateway forgets the credentials it has cached (tokens, keys and services alike;
/// revocations are rare, so forgetting all is simpler than naming one, and no token ever crosses the cluster), and
/// with <paramref name="AccountId"/> that the account exists.
/// </summary>
[GenerateSerializer, Immutable, Alias("SecretsStore.Revocation")]
public sealed record Revocation([property: Id(0)] Guid? AccountId)
{
    public static readonly Revocation Credentials = new((Guid?)null);
}

/// <summary>The hub's timing, shared by the hub and the gateways that subscribe to it.</summary>
public static class RevocationHub
{
    /// <summary>How often a gateway renews its subscription: also how long a hub rebuilt on another silo may miss it.</summary>
    public static readonly TimeSpan RenewalPeriod = TimeSpan.FromSeconds(5);

    /// <summary>A subscription not renewed for this long belongs to a gateway that is gone, and is dropped.</summary>
    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromSeconds(20);
}
