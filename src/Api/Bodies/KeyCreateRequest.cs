using System.Text.Json;

namespace SecretsStore.Api.Bodies;

public sealed record KeyCreateRequest(string Email)
{
    public static Outcome<string> Parse(JsonElement body)
    {
        var parsed = BodyFields.Of(body, "", "email");
        if (!parsed.Succeeded)
        {
            return parsed.Error!;
        }

        var email = parsed.Value!.String("email");
        if (parsed.Value.Error is not null)
        {
            return parsed.Value.Error;
        }

        return string.IsNullOrWhiteSpace(email) || !email.Contains('@')
            ? Errors.InvalidJsonBody("email must be an email address", "/email")
            : email.Trim();
    }
}
