using System.Text.Json;

namespace SecretsStore.Api.Bodies;

/// <summary>The secrets to delete (1–1,000); the older form <c>[{"id"}]</c> is accepted too.</summary>
public sealed record BulkDeleteRequest(IReadOnlyList<string> Ids)
{
    /// <summary><c>{"ids": [...]}</c>, or the older form <c>[{"id"}]</c>.</summary>
    public static Outcome<IReadOnlyList<string>> Parse(JsonElement body)
    {
        if (body.ValueKind == JsonValueKind.Array)
        {
            var ids = new List<string>();
            foreach (var (element, index) in body.EnumerateArray().Select((e, i) => (e, i)))
            {
                if (element.ValueKind != JsonValueKind.Object
                    || !element.TryGetProperty("id", out var id)
                    || id.ValueKind != JsonValueKind.String)
                {
                    return Errors.InvalidIds("each item must be an object with a string id", $"/{index}/id");
                }

                if (BodyFields.Of(element, $"/{index}", "id").Error is { } unknown)
                {
                    return unknown;
                }

                if (!JsonText.TryRead(id, out var text))
                {
                    return JsonText.NotUnicode("id", $"/{index}/id");
                }

                ids.Add(text);
            }

            return ids;
        }

        if (body.ValueKind == JsonValueKind.Object && BodyFields.Of(body, "", "ids").Error is { } unknownField)
        {
            return unknownField;
        }

        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("ids", out var list))
        {
            return Errors.InvalidJsonBody("expected {\"ids\": [...]}");
        }

        if (list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
        {
            return Errors.InvalidIds("ids must be an array of strings", "/ids");
        }

        var fields = new BodyFields(body, "");
        return fields.Strings("ids") is { } parsed ? (Outcome<IReadOnlyList<string>>)parsed.ToList() : fields.Error!;
    }
}
