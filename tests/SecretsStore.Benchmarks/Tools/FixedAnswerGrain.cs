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
