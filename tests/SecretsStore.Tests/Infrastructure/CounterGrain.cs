using Orleans.Runtime;

namespace SecretsStore.Tests.Infrastructure;

/// <summary>A test-only grain whose whole job is to keep a number in grain storage.</summary>
[Alias("SecretsStore.Tests.ICounterGrain")]
public interface ICounterGrain : IGrainWithStringKey
{
    Task<CounterReading> IncrementAsync();

    Task<CounterReading> ReadAsync();

    Task DeactivateAsync();
}

/// <param name="ActivationId">Differs between activations, so a test can tell a reload from a cached value.</param>
[GenerateSerializer, Immutable, Alias("SecretsStore.Tests.CounterReading")]
public sealed record CounterReading([property: Id(0)] int Value, [property: Id(1)] Guid ActivationId);

[GenerateSerializer, Alias("SecretsStore.Tests.CounterState")]
public sealed class CounterState
{
    [Id(0)]
    public int Value { get; set; }
}

public sealed class CounterGrain(
    [PersistentState("counter", TestSilo.StorageName)] IPersistentState<CounterState> state) : Grain, ICounterGrain
{
    private readonly Guid _activationId = Guid.NewGuid();

    public async Task<CounterReading> IncrementAsync()
    {
        state.State.Value++;
        await state.WriteStateAsync();
        return Reading();
    }

    public Task<CounterReading> ReadAsync() => Task.FromResult(Reading());

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private CounterReading Reading() => new(state.State.Value, _activationId);
}
