using System.Text.Json;

namespace SecretsStore.Api.Wire;

/// <summary>A store-create body in either of its forms.</summary>
public sealed record StoreCreateBody(string? Name, bool ArrayForm);

/// <summary>A store-create body of the system routes: the name and the account's numeric id as the service knows it.</summary>
public sealed record ManagedStoreCreateBody(string? Name, long AccountNumber);

/// <summary>The request bodies of the account routes, parsed into the records the grains validate.</summary>
public static class RequestShapes
{
    /// <summary><c>{"name"}</c>, or the older one-item array form <c>[{"name"}]</c>.</summary>
    public static Outcome<StoreCreateBody> StoreCreate(JsonElement body)
    {
        var arrayForm = body.ValueKind == JsonValueKind.Array;
        if (arrayForm && body.GetArrayLength() != 1)
        {
            return Errors.InvalidJsonBody("expected one store");
        }

        var parsed = BodyFields.Of(arrayForm ? body[0] : body, arrayForm ? "/0" : "", "name");
        if (!parsed.Succeeded)
        {
            return parsed.Error!;
        }

        var fields = parsed.Value!;
        var name = fields.String("name", Errors.StoreNameInvalid);
        return fields.Error ?? (Outcome<StoreCreateBody>)new StoreCreateBody(name, arrayForm);
    }

    /// <summary><c>{"name", "account_id": integer}</c>, both required.</summary>
    public static Outcome<ManagedStoreCreateBody> ManagedStoreCreate(JsonElement body)
    {
        var parsed = BodyFields.Of(body, "", "name", "account_id");
        if (!parsed.Succeeded)
        {
            return parsed.Error!;
        }

        var fields = parsed.Value!;
        var name = fields.String("name", Errors.StoreNameInvalid);
        if (fields.Error is not null)
        {
            return fields.Error;
        }

        if (!body.TryGetProperty("account_id", out var accountId)
            || accountId.ValueKind != JsonValueKind.Number
            || !accountId.TryGetInt64(out var accountNumber))
        {
            return Errors.InvalidJsonBody("account_id must be an integer", "/account_id");
        }

        return new ManagedStoreCreateBody(name, accountNumber);
    }

    public static Outcome<IReadOnlyList<NewSecret>> NewSecrets(JsonElement body)
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
                Value(fields.String("value")),
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

    public static Outcome<SecretPatch> Patch(JsonElement body)
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
            valueGiven ? Value(fields.String("value")) ?? new SecretValue("") : null,
            scopesGiven ? fields.Strings("scopes") ?? [] : null,
            fields.Has("comment"),
            fields.String("comment"));
        return fields.Error ?? (Outcome<SecretPatch>)patch;
    }

    public static Outcome<DuplicateSecret> Duplicate(JsonElement body)
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

    /// <summary><c>{"ids": [...]}</c>, or the older form <c>[{"id"}]</c>.</summary>
    public static Outcome<IReadOnlyList<string>> SecretIds(JsonElement body)
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

    private static SecretValue? Value(string? plaintext) => plaintext is null ? null : new SecretValue(plaintext);
}
