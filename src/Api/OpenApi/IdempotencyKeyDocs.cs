using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using SecretsStore.Api.Idempotency;

namespace SecretsStore.Api.OpenApi;

/// <summary>
/// Documents the <c>Idempotency-Key</c> header on every write of the account, system and admin routes, where
/// <see cref="IdempotencyKeyFilter"/> reads it (docs/api.md, "Idempotency-Key").
/// </summary>
public static class IdempotencyKeyDocs
{
    private static readonly string[] KeyedRoutes = ["client/v4/accounts/", "client/v4/system/", "admin/v1/"];

    public static Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var path = (context.Description.RelativePath ?? "").TrimStart('/');
        if (!IdempotencyKeyHeader.Writes(context.Description.HttpMethod ?? "") || !KeyedRoutes.Any(r => path.StartsWith(r, StringComparison.Ordinal)))
        {
            return Task.CompletedTask;
        }

        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = IdempotencyKeyHeader.Name,
            In = ParameterLocation.Header,
            Required = false,
            Description = "A key of the client's choosing (a random UUID) that makes a repeat of this write safe: the same key, "
                + "from the same credential, with the same method, path and body within 24 hours replays the first answer "
                + "(same status and body, with Idempotent-Replayed: true) and applies nothing again. The same key with "
                + "another request is 422 idempotency_key_reused; a repeat while the first still runs is 409 "
                + "idempotency_key_in_use with Retry-After; a key that is empty, over 255 characters or not printable ASCII "
                + "is 400 idempotency_key_invalid.",
            Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                MinLength = 1,
                MaxLength = IdempotencyKeyHeader.MaxLength,
                Pattern = "^[ -~]+$",
            },
        });
        return Task.CompletedTask;
    }
}
