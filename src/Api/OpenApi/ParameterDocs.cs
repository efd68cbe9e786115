using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace SecretsStore.Api.OpenApi;

/// <summary>
/// Describes parameters the way the wire accepts them. Handlers bind query values as raw strings (so that the
/// list rules answer bad ones with our own error codes); the document still says what a good value is.
/// </summary>
public static partial class ParameterDocs
{
    public static Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        operation.Parameters ??= [];
        var path = (context.Description.RelativePath ?? "").TrimEnd('/');
        AddRouteGroupParameters(operation, path);
        foreach (var parameter in operation.Parameters.OfType<OpenApiParameter>())
        {
            Describe(parameter, isSecretList: path.EndsWith("/secrets", StringComparison.Ordinal), isSecretName: path.Contains("/by-name/", StringComparison.Ordinal),
                isAccount: path.EndsWith("/accounts/{account_id}", StringComparison.Ordinal), isGrant: path.TrimStart('/').StartsWith("admin/v1/services/", StringComparison.Ordinal), path);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Route groups declare <c>account_id</c> and <c>account_tag</c>, which the access filter reads and no handler binds.
    /// ASP.NET Core leaves a path parameter that no handler binds out of the document (open issue
    /// https://github.com/dotnet/aspnetcore/issues/63883), so they are added here; this can go once that is fixed.
    /// </summary>
    private static void AddRouteGroupParameters(OpenApiOperation operation, string path)
    {
        foreach (Match match in RouteParameter().Matches(path))
        {
            var name = match.Groups[1].Value;
            if (!operation.Parameters!.Any(p => p.Name == name && p.In == ParameterLocation.Path))
            {
                operation.Parameters!.Insert(0, new OpenApiParameter { Name = name, In = ParameterLocation.Path, Required = true });
            }
        }
    }

    private static void Describe(OpenApiParameter parameter, bool isSecretList, bool isSecretName, bool isAccount, bool isGrant, string path)
    {
        switch (parameter.Name)
        {
            case "account_id" when isGrant:
                parameter.Description = "An account id (32 hexadecimal characters, matched case-insensitively), or * for every account.";
                parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^([0-9a-fA-F]{32}|\\*)$" };
                break;
            case "account_id" or "account_tag" or "store_id" or "secret_id" or "token_id":
                parameter.Description = "32 hexadecimal characters, matched case-insensitively.";
                parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9a-fA-F]{32}$" };
                break;
            case "page":
                parameter.Description = "1-based page; 0 or absent means 1. A page past the end is empty.";
                parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "0" };
                break;
            case "per_page":
                parameter.Description = "Items per page, up to 100; 0 or absent means 20.";
                parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "0", Maximum = "100" };
                break;
            case "order":
                parameter.Description = "Sort key (default created); ties are broken by id.";
                parameter.Schema = Choice(isSecretList ? ListQuery.SecretOrders : ListQuery.StoreOrders);
                break;
            case "direction":
                parameter.Description = "Sort direction (default desc).";
                parameter.Schema = Choice(["asc", "desc"]);
                break;
            case "name" when isSecretName:
                parameter.Description = "The secret's name: 1–255 characters of A-Z a-z 0-9 _ -.";
                parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[A-Za-z0-9_-]{1,255}$" };
                break;
            case "since" or "before" when path.EndsWith("/logs/audit", StringComparison.Ordinal):
                parameter.Description = parameter.Name == "since"
                    ? "Required. Entries at or after this date (2026-01-31, in UTC) or RFC 3339 time."
                    : "Required. Entries before this date (2026-01-31, in UTC) or RFC 3339 time.";
                parameter.Required = true;
                parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String };
                break;
            case "limit":
                parameter.Description = "Entries per page, 1 to 1000; absent means 100.";
                parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1", Maximum = "1000" };
                break;
            case "cursor":
                parameter.Description = "Where the page starts: result_info.cursors.after of the previous page, with the same query.";
                break;
            case "since" or "until":
                parameter.Description = parameter.Name == "since" ? "Records at or after this time (RFC 3339)." : "Records before this time (RFC 3339).";
                parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" };
                break;
            case "action":
                parameter.Description = "Only records of this action.";
                parameter.Schema = Choice(AuditActions.All);
                break;
            case "principal":
                parameter.Description = "Only records of this principal: token:ID, key:EMAIL, service:NAME or operator.";
                break;
            case "secret_name":
                parameter.Description = "Only records naming this secret.";
                break;
            case "search":
                parameter.Description = "Case-insensitive substring of a secret's name or comment.";
                break;
            case "scopes":
                parameter.Description = "Only secrets that have every listed scope; repeat the parameter or separate with commas.";
                break;
            case "force":
                parameter.Description = isAccount
                    ? "true deletes an account that still has stores, with its stores and their secrets."
                    : "true deletes a non-empty store together with its secrets.";
                parameter.Schema = Choice(["true", "false"]);
                break;
        }
    }

    private static OpenApiSchema Choice(IEnumerable<string> values) =>
        new() { Type = JsonSchemaType.String, Enum = values.Select(v => (JsonNode)JsonValue.Create(v)).ToList() };

    [GeneratedRegex(@"\{([a-z_]+)\}")]
    private static partial Regex RouteParameter();
}
