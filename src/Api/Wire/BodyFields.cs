using System.Text.Json;
using SecretsStore.Grains.Abstractions;

namespace SecretsStore.Api.Wire;

/// <summary>
/// Reads typed fields out of a JSON object. A field of the wrong JSON type is refused with its pointer; whether
/// a present value is acceptable (length, characters, allowed scopes) is for the grain's rules to say.
/// </summary>
public sealed class BodyFields(JsonElement item, string pointer)
{
    public StoreError? Error { get; private set; }

    public bool Has(string name) => item.TryGetProperty(name, out _);

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

    /// <summary>The fields of <paramref name="element"/>, or an error when it is not a JSON object.</summary>
    public static Outcome<BodyFields> Of(JsonElement element, string pointer) =>
        element.ValueKind == JsonValueKind.Object
            ? new BodyFields(element, pointer)
            : Errors.InvalidJsonBody("expected a JSON object", pointer.Length == 0 ? null : pointer);
}
