using System.Text.Json;

namespace SecretsStore.Api.Bodies;

/// <summary>Both limits (PUT): each a non-negative integer, or null for the deployment's default.</summary>
public sealed record QuotaSetRequest(int? Secrets, int? Stores)
{
    public static Outcome<QuotaChange> Parse(JsonElement body) => QuotaLimits.Parse(body, replacing: true);
}

/// <summary>The limits to change (PATCH): a field left out keeps its limit; null restores the deployment's default.</summary>
public sealed record QuotaChangeRequest(int? Secrets, int? Stores)
{
    public static Outcome<QuotaChange> Parse(JsonElement body) => QuotaLimits.Parse(body, replacing: false);
}

/// <summary>The parser both quota bodies share.</summary>
internal static class QuotaLimits
{
    private static readonly string[] QuotaFields = ["secrets", "stores"];

    /// <summary>
    /// <c>{"secrets", "stores"}</c>: each a non-negative integer, or null for the deployment's default. A PUT
    /// (<paramref name="replacing"/>) sets both and so needs both; a PATCH changes only those present.
    /// </summary>
    public static Outcome<QuotaChange> Parse(JsonElement body, bool replacing)
    {
        var parsed = BodyFields.Of(body, "", QuotaFields);
        if (!parsed.Succeeded)
        {
            return parsed.Error!;
        }

        var fields = new (bool Given, int? Limit)[QuotaFields.Length];
        for (var i = 0; i < QuotaFields.Length; i++)
        {
            var name = QuotaFields[i];
            if (!body.TryGetProperty(name, out var value))
            {
                if (replacing)
                {
                    var other = QuotaFields[1 - i];
                    return Errors.InvalidJsonBody(
                        $"PUT sets both limits, and {name} is missing; send \"{name}\": null to restore its default, or PATCH to change only {other}",
                        $"/{name}");
                }

                continue;
            }

            if (value.ValueKind == JsonValueKind.Null)
            {
                fields[i] = (true, null);
            }
            else if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var limit) && limit >= 0)
            {
                fields[i] = (true, limit);
            }
            else
            {
                return Errors.InvalidJsonBody($"{name} must be a non-negative integer, or null for the default", $"/{name}");
            }
        }

        return new QuotaChange(fields[0].Given, fields[0].Limit, fields[1].Given, fields[1].Limit);
    }

}
