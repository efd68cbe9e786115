using Orleans.Concurrency;
using Orleans.EventSourcing;
using Orleans.EventSourcing.CustomStorage;
using Orleans.Providers;

namespace SecretsStore.Benchmarks.Experiments.EventSourcing;

/// <summary>
/// The event-sourced store: a <see cref="JournaledGrain{TState, TEvent}"/> whose log lives in PostgreSQL through
/// the CustomStorage log-consistency provider (<see cref="PostgresEventLog"/>).
/// </summary>
/// <remarks>
/// Reentrant so that creates arriving while a write is in flight raise their events meanwhile: Orleans' log view
/// adaptor then writes everything pending in its next storage call, which is its built-in group commit.
/// Names are checked against the confirmed state only, so a create is never refused because of an event that is
/// not durable yet; the price is that two concurrent creates of one name both pass the check.
/// </remarks>
[Reentrant]
[LogConsistencyProvider(ProviderName = ProviderName)]
public sealed class EventSourcedStoreGrain(PostgresEventLog log)
    : JournaledGrain<EventSourcedStoreState, StoreEvent>, IEventSourcedStoreGrain, ICustomStorageInterface<EventSourcedStoreState, StoreEvent>
{
    /// <summary>The name the silo registers the CustomStorage log-consistency provider under.</summary>
    public const string ProviderName = "CustomStorage";

    public async Task<Guid?> CreateSecretAsync(NewSealedSecret secret)
    {
        if (State.IdsByName.ContainsKey(secret.Name))
        {
            return null;
        }

        var created = new SecretCreated(Guid.NewGuid(), secret.Name, DateTime.UtcNow, secret.Scopes, secret.SealedValue);
        RaiseEvent(created);
        await ConfirmEvents();
        return created.Id;
    }

    public async Task<IReadOnlyList<Guid>?> CreateSecretsAsync(IReadOnlyList<NewSealedSecret> items)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (items.Any(item => State.IdsByName.ContainsKey(item.Name) || !names.Add(item.Name)))
        {
            return null;
        }

        var now = DateTime.UtcNow;
        var events = items.Select(item => new SecretCreated(Guid.NewGuid(), item.Name, now, item.Scopes, item.SealedValue)).ToList();
        RaiseEvents(events);
        await ConfirmEvents();
        return events.Select(e => e.Id).ToList();
    }

    public async Task<bool> DeleteSecretAsync(Guid id)
    {
        if (!State.Secrets.ContainsKey(id))
        {
            return false;
        }

        RaiseEvent(new SecretDeleted(id));
        await ConfirmEvents();
        return true;
    }

    public Task<int> CountAsync() => Task.FromResult(State.Secrets.Count);

    /// <summary>Applies events directly instead of JournaledGrain's default dynamic dispatch.</summary>
    protected override void TransitionState(EventSourcedStoreState state, StoreEvent @event) => state.Apply(@event);

    public Task<KeyValuePair<int, EventSourcedStoreState>> ReadStateFromStorage() => log.ReadAsync(this.GetPrimaryKey());

    /// <remarks>
    /// <see cref="JournaledGrain{TState, TEvent}.State"/> is still the confirmed state at
    /// <paramref name="expectedVersion"/> here: the adaptor applies the batch to it only after this returns true.
    /// </remarks>
    public Task<bool> ApplyUpdatesToStorage(IReadOnlyList<StoreEvent> updates, int expectedVersion) =>
        log.AppendAsync(this.GetPrimaryKey(), expectedVersion, updates, State);
}
