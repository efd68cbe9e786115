namespace SecretsStore.Grains.Abstractions;

/// <summary>
/// The grain method changes state, and knows its requests by <see cref="Caller.RequestId"/>: a call marked
/// <see cref="Caller.Repeated"/> is answered from what the first call with that id committed, and runs only if that
/// call committed nothing. The gateway may therefore repeat it after a failure that leaves open whether it ran (its
/// silo went away while the call was pending) without applying it twice.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AnsweredOnceAttribute : Attribute;
