using System.Text.Json;
using TokenPermission = SecretsStore.Grains.Abstractions.Permission;

namespace SecretsStore.Api.Bodies;

/// <summary>A new account token: its name, and <c>read</c> or <c>write</c>.</summary>
public sealed record TokenCreateRequest(string Name, string Permission)
{
    public static Outcome<TokenCreateBody> Parse(JsonElement body)
    {
        var parsed = BodyFields.Of(body, "", "name", "permission");
        if (!parsed.Succeeded)
        {
            return parsed.Error!;
        }

        var fields = parsed.Value!;
        var name = fields.String("name") ?? "";
        var permission = fields.String("permission");
        if (fields.Error is not null)
        {
            return fields.Error;
        }

        return permission switch
        {
            "read" => new TokenCreateBody(name, TokenPermission.Read),
            "write" => new TokenCreateBody(name, TokenPermission.Write),
            _ => Errors.InvalidJsonBody("permission must be \"read\" or \"write\"", "/permission"),
        };
    }
}

public sealed record TokenCreateBody(string Name, Permission Permission);
