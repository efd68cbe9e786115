namespace SecretsStore.Tests.Infrastructure;

/// <summary>
/// Fault tests start processes, stop servers and measure how long things take; they run one at a time so that they
/// do not starve each other of the machine's cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class FaultCollection
{
    public const string Name = "faults";
}
