using System.Text.Json;

namespace SecretsStore.Api.Wire;

/// <summary>
/// Reads typed fields out of a JSON object. A field of the wrong JSON type is refused with its pointer; whether
/// a present value is acceptable (length, characters, allowed scopes) is for the grain's rules to say.
/// </summary>
public sealed class BodyFields(JsonElement item, string pointer)
{
    public StoreError? Error { get; private set; }

    public bool Has(string name) => item.TryGetProperty(name, out _);

    /// <summary>A secret's value: a string field, held as a <see cref="SecretValue"/>; null when absent or JSON null.</summary>
    public SecretValue? SecretValue(string name) => String(name) is { } plaintext ? new SecretValue(plaintext) : null;

    /// <summary>A string field; null when absent or JSON null.</summary>
    public string? String(string name, Func<string, StoreError>? wrongType = null)
    {
        if (!item.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Fail((wrongType ?? (p => Errors.InvalidJsonBody($"{name} must be a string", p)))($"{pointer}/{name}"));
            return null;
        }

        if (JsonText.TryRead(value, out var text))
        {
            return text;
        }

        Fail(JsonText.NotUnicode(name, $"{pointer}/{name}"));
        return null;
    }

    /// <summary>An array of strings; null when absent or JSON null.</summary>
    public IReadOnlyList<string>? Strings(string name)
    {
        if (!item.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
        {
            Fail(Errors.InvalidJsonBody($"{name} must be an array of strings", $"{pointer}/{name}"));
            return null;
        }

        var strings = new List<string>();
        foreach (var (item, index) in value.EnumerateArray().Select((v, i) => (v, i)))
        {
            if (!JsonText.TryRead(item, out var text))
            {
                Fail(JsonText.NotUnicode(name, $"{pointer}/{name}/{index}"));
                return null;
            }

            strings.Add(text);
        }

        return strings;
    }

    private void Fail(StoreError error) => Error ??= error;

    /// <summary>
    /// The fields of <paramref name="element"/>, or an error when it is not a JSON object, has a field not among
    /// <paramref name="known"/> (a misspelt optional field, <c>coment</c>, would otherwise be dropped without a word)
    /// or has a field twice (which copy counts is for no parser to guess).
    /// </summary>
    public static Outcome<BodyFields> Of(JsonElement element, string pointer, params string[] known)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return Errors.InvalidJsonBody("expected a JSON object", pointer.Length == 0 ? null : pointer);
        }

        // Only names this body takes get this far, so the set holds a handful at most.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                return GatewayErrors.UnknownField(property.Name, $"{pointer}/{JsonPointerToken(property.Name)}", known);
            }

            if (!seen.Add(property.Name))
            {
                return GatewayErrors.DuplicateField(property.Name, $"{pointer}/{JsonPointerToken(property.Name)}");
            }
        }

        return new BodyFields(element, pointer);
    }

    /// <summary>A name as one reference token of a JSON pointer (RFC 6901: <c>~</c> is <c>~0</c>, <c>/</c> is <c>~1</c>).</summary>
    private static string JsonPointerToken(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
