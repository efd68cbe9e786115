namespace SecretsStore.Grains.Abstractions;

/// <summary>
/// The grain method only reads: running it twice has the effect of running it once. The gateway may therefore repeat
/// it after a failure that leaves open whether it ran (its silo died while the call was pending); methods without
/// this mark are repeated only when Orleans proves the call never reached the grain.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OnlyReadsAttribute : Attribute;
