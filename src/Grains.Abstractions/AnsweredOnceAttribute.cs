namespace SecretsStore.Grains.Abstractions;

/// <summary>
/// The grain method changes state, and knows its requests by <see cref="AuditedRequest.RequestId"/>: a call that
/// <see cref="AuditedRequest.Repeats"/> is answered from what an earlier send with that id committed, and runs only if
/// none committed anything. The gateway may therefore send it again after a failure that leaves open whether it ran
/// (its silo went away while the call was pending) without applying it twice.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AnsweredOnceAttribute : Attribute;
