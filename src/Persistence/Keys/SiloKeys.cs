namespace SecretsStore.Persistence.Keys;

/// <summary>
/// One silo, named as in Orleans' membership table (which says whether it is running), and the fingerprints of the
/// master keys it holds.
/// </summary>
public sealed record SiloKeys(string ClusterId, string Address, int Port, int Generation, string[] Fingerprints);
