using System.Text.Json;

namespace SecretsStore.Api.Bodies;

/// <summary>Any of value, scopes and comment (null clears it); a name, if sent, must be the secret's own.</summary>
public sealed record SecretPatchRequest(string? Name, string? Value, IReadOnlyList<string>? Scopes, string? Comment)
{
    /// <summary>Prints the value, when there is one, as a mask.</summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Name = ").Append(Name).Append(", Value = ").Append(Redacted.MaskOf(Value))
            .Append(", Scopes = [").AppendJoin(", ", Scopes ?? []).Append("], Comment = ").Append(Comment);
        return true;
    }

    public static Outcome<SecretPatch> Parse(JsonElement body)
    {
        var parsed = BodyFields.Of(body, "", "name", "value", "scopes", "comment");
        if (!parsed.Succeeded)
        {
            return parsed.Error!;
        }

        var fields = parsed.Value!;
        var valueGiven = fields.Has("value");
        var scopesGiven = fields.Has("scopes");
        var patch = new SecretPatch(
            fields.String("name", Errors.SecretNameInvalid),
            valueGiven ? fields.SecretValue("value") ?? new SecretValue("") : null,
            scopesGiven ? fields.Strings("scopes") ?? [] : null,
            fields.Has("comment"),
            fields.String("comment"));
        return fields.Error ?? (Outcome<SecretPatch>)patch;
    }
}
