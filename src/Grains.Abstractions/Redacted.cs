namespace SecretsStore.Grains.Abstractions;

/// <summary>
/// What a value, token or key prints as wherever a record holding one could be formatted: a log line, an exception
/// message, a debugger or a dashboard. Every type that holds one masks it with this in its <c>ToString</c>.
/// </summary>
public static class Redacted
{
    public const string Mask = "***";

    /// <summary>The mask for a secret that is there; null stays null, so what prints still tells whether one was sent.</summary>
    public static string? MaskOf(string? secret) => secret is null ? null : Mask;
}
