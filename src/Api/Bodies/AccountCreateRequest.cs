using System.Text.Json;

namespace SecretsStore.Api.Bodies;

public sealed record AccountCreateRequest(string? Name)
{
    /// <summary><c>{"name"}</c>, the name optional.</summary>
    public static Outcome<string?> Parse(JsonElement body)
    {
        var parsed = BodyFields.Of(body, "", "name");
        if (!parsed.Succeeded)
        {
            return parsed.Error!;
        }

        var name = parsed.Value!.String("name");
        return parsed.Value.Error ?? (Outcome<string?>)name;
    }
}
