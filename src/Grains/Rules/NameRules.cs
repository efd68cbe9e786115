namespace SecretsStore.Grains.Rules;

/// <summary>Store and secret names: 1–255 characters of A-Z a-z 0-9 _ - (API.md §2).</summary>
public static class NameRules
{
    public const int MaxLength = 255;

    public static bool IsValid(string name) =>
        name.Length is > 0 and <= MaxLength && name.All(IsAllowed);

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';
}
