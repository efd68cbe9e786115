using System.Text.Json;

namespace SecretsStore.Api.Bodies;

/// <summary>Create a store: <c>{"name"}</c> (the older form <c>[{"name"}]</c> is accepted too).</summary>
public sealed record StoreCreateRequest(string Name)
{
    /// <summary><c>{"name"}</c>, or the older one-item array form <c>[{"name"}]</c>.</summary>
    public static Outcome<StoreCreateBody> Parse(JsonElement body)
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
}

/// <summary>A store-create body in either of its forms.</summary>
public sealed record StoreCreateBody(string? Name, bool ArrayForm);
