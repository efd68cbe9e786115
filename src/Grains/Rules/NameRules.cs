namespace SecretsStore.Grains.Rules;

/// <summary>Store and secret names: 1–255 characters of A-Z a-z 0-9 _ - (docs/api.md, "Objects").</summary>
public static class NameRules
{
    public const int MaxLength = Abstractions.Errors.MaxNameLength;

    public static bool IsValid(string name) =>
        name.Length is > 0 and <= MaxLength && name.All(IsAllowed);

    /// <summary>A store's name as a create body gives it: present, and a name.</summary>
    public static Abstractions.StoreError? ValidateStoreName(string? name, string pointer) => name switch
    {
        null or "" => Abstractions.Errors.StoreNameEmpty(pointer),
        _ when !IsValid(name) => Abstractions.Errors.StoreNameInvalid(pointer),
        _ => null,
    };

    /// <summary>The first name already taken, or repeated within <paramref name="names"/>, as a conflict naming it.</summary>
    public static Abstractions.StoreError? FirstTaken(IReadOnlyList<string> names, Func<string, bool> isTaken, Func<int, string> pointer)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            if (isTaken(names[i]) || !seen.Add(names[i]))
            {
                return Abstractions.Errors.SecretNameAlreadyExists(names[i], pointer(i));
            }
        }

        return null;
    }

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';
}
