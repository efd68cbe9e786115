using System.Text.Json;
using System.Text.RegularExpressions;

namespace SecretsStore.Api.Bodies;

public sealed partial record ServiceCreateRequest(string Name, IReadOnlyList<string> Scopes)
{
    public static Outcome<ServiceCreateBody> Parse(JsonElement body, ScopeSet scopes)
    {
        var parsed = BodyFields.Of(body, "", "name", "scopes");
        if (!parsed.Succeeded)
        {
            return parsed.Error!;
        }

        var fields = parsed.Value!;
        var name = fields.String("name");
        var consumerScopes = fields.Strings("scopes") ?? [];
        if (fields.Error is not null)
        {
            return fields.Error;
        }

        if (name is null || !ServiceName().IsMatch(name))
        {
            return Errors.InvalidJsonBody("name must be 1 to 64 characters of a-z 0-9 _ -", "/name");
        }

        var unknown = consumerScopes.Select((scope, i) => (scope, i)).FirstOrDefault(s => !scopes.IsAllowed(s.scope));
        return unknown.scope is not null
            ? Errors.SecretScopeInvalid(unknown.scope, scopes.Names, $"/scopes/{unknown.i}")
            : new ServiceCreateBody(name, ScopeSet.Canonical(consumerScopes));
    }

    [GeneratedRegex("^[a-z0-9_-]{1,64}$")]
    private static partial Regex ServiceName();
}

public sealed record ServiceCreateBody(string Name, IReadOnlyList<string> Scopes);
