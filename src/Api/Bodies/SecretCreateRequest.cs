using System.Text.Json;

namespace SecretsStore.Api.Bodies;

/// <summary>One secret of a create request; the body is an array of 1–100 of these.</summary>
public sealed record SecretCreateRequest(string Name, string Value, IReadOnlyList<string> Scopes, string? Comment)
{
    /// <summary>Prints the value as a mask.</summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Name = ").Append(Name).Append(", Value = ").Append(Redacted.Mask)
            .Append(", Scopes = [").AppendJoin(", ", Scopes).Append("], Comment = ").Append(Comment);
        return true;
    }

    /// <summary>The create body: an array of these.</summary>
    public static Outcome<IReadOnlyList<NewSecret>> ParseBatch(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Array)
        {
            return Errors.InvalidJsonBody("expected an array of secrets");
        }

        var secrets = new List<NewSecret>();
        foreach (var (element, index) in body.EnumerateArray().Select((e, i) => (e, i)))
        {
            var parsed = BodyFields.Of(element, $"/{index}", "name", "value", "scopes", "comment");
            if (!parsed.Succeeded)
            {
                return parsed.Error!;
            }

            var fields = parsed.Value!;
            var secret = new NewSecret(
                fields.String("name", Errors.SecretNameInvalid),
                fields.SecretValue("value"),
                fields.Strings("scopes"),
                fields.String("comment"));
            if (fields.Error is not null)
            {
                return fields.Error;
            }

            secrets.Add(secret);
        }

        return secrets;
    }
}
