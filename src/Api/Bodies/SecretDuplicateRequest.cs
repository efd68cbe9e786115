using System.Text.Json;

namespace SecretsStore.Api.Bodies;

/// <summary>The new secret's name, scopes and comment; the value is copied inside the service.</summary>
public sealed record SecretDuplicateRequest(string Name, IReadOnlyList<string> Scopes, string? Comment)
{
    public static Outcome<DuplicateSecret> Parse(JsonElement body)
    {
        var parsed = BodyFields.Of(body, "", "name", "scopes", "comment");
        if (!parsed.Succeeded)
        {
            return parsed.Error!;
        }

        var fields = parsed.Value!;
        var request = new DuplicateSecret(fields.String("name", Errors.SecretNameInvalid), fields.Strings("scopes"), fields.String("comment"));
        return fields.Error ?? (Outcome<DuplicateSecret>)request;
    }
}
