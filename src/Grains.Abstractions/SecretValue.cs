namespace SecretsStore.Grains.Abstractions;

/// <summary>
/// A secret's plaintext on its way into a store. It prints as a mask so that a log line, an exception message
/// or a dashboard that formats a request can never show it.
/// </summary>
[GenerateSerializer, Immutable, Alias("SecretsStore.SecretValue")]
public sealed class SecretValue(string plaintext)
{
    [Id(0)]
    private readonly string _plaintext = plaintext;

    /// <summary>The plaintext; only the grain that encrypts it reads this.</summary>
    public string Reveal() => _plaintext;

    public override string ToString() => Redacted.Mask;
}
