using System.Text.Json;

namespace SecretsStore.Api.Wire;

/// <summary>
/// JSON strings that may hold escapes of lone surrogates (<c>"\ud800"</c>): valid JSON, but not text, so they
/// cannot be stored, encrypted or shown. Reading one is a client error, never a crash.
/// </summary>
public static class JsonText
{
    public static bool TryRead(JsonElement element, out string text)
    {
        try
        {
            text = element.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }
    }

    public static StoreError NotUnicode(string field, string pointer) =>
        Errors.InvalidJsonBody($"{field} is not valid Unicode text", pointer);
}
