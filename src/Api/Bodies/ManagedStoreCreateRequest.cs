using System.Text.Json;

namespace SecretsStore.Api.Bodies;

/// <summary>Create a store through the system routes; <c>account_id</c> is the account's numeric id as the service knows it.</summary>
public sealed record ManagedStoreCreateRequest(string Name, long AccountId)
{
    /// <summary><c>{"name", "account_id": integer}</c>, both required.</summary>
    public static Outcome<ManagedStoreCreateBody> Parse(JsonElement body)
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
}

/// <summary>A store-create body of the system routes: the name and the account's numeric id as the service knows it.</summary>
public sealed record ManagedStoreCreateBody(string? Name, long AccountNumber);
