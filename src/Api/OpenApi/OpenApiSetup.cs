using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace SecretsStore.Api.OpenApi;

/// <summary>
/// The published OpenAPI document (<c>/openapi/v1.json</c>): wire names, credentials, and parameters described as
/// the wire accepts them.
/// </summary>
public static class OpenApiSetup
{
    public const string BearerScheme = "bearer";
    public const string EmailScheme = "auth_email";
    public const string KeyScheme = "auth_key";

    public static IServiceCollection AddSecretsStoreOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            // Component names must be plain identifiers; the default names arrays "Foo[]".
            options.CreateSchemaReferenceId = type =>
                OpenApiOptions.CreateDefaultSchemaReferenceId(type) is { } id ? id.Replace("[]", "List", StringComparison.Ordinal) : null;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "SecretsStore",
                    Version = "v1",
                    Description = "A self-hostable secrets store that speaks Cloudflare's Secrets Store API (v4).",
                    License = new OpenApiLicense { Name = "MIT", Identifier = "MIT" },
                };
                foreach (var server in document.Servers ?? [])
                {
                    server.Url = server.Url?.TrimEnd('/');
                }

                foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
                {
                    tag.Description ??= TagDescriptions.TryGetValue(tag.Name ?? "", out var description) ? description : tag.Name;
                }

                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
                {
                    [BearerScheme] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.Http,
                        Scheme = "bearer",
                        Description = "An account token, a service token or the operator's admin token, each for its own routes.",
                    },
                    [EmailScheme] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-Auth-Email" },
                    [KeyScheme] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-Auth-Key" },
                };
                document.Security =
                [
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
                    new OpenApiSecurityRequirement
                    {
                        [new OpenApiSecuritySchemeReference(EmailScheme, document)] = [],
                        [new OpenApiSecuritySchemeReference(KeyScheme, document)] = [],
                    },
                ];
                return Task.CompletedTask;
            });
            options.AddOperationTransformer(ParameterDocs.DescribeAsync);
            options.AddOperationTransformer(IdempotencyKeyDocs.DescribeAsync);
            options.AddSchemaTransformer((schema, context, _) =>
            {
                if (context.JsonTypeInfo.Type == typeof(Wire.ErrorItem) && schema.Properties?.TryGetValue("message", out var message) == true
                    && message is OpenApiSchema text)
                {
                    text.Description = "A snake_case token clients match on (or Cloudflare's fixed text, e.g. 'Unauthorized to access "
                        + "requested resource'), then optionally ': ' and a detail: for refusals the caller can act on, a hint saying "
                        + "what to do (the rule, the limit and usage, ?force=true, which credential a route takes). Match on the token only.";
                }

                return Task.CompletedTask;
            });
        });

    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Secrets Store"] = "Cloudflare's account routes for stores, secrets and quota (account tokens and keys).",
        ["System"] = "Routes for platform services that manage stores on an account's behalf (service tokens).",
        ["Admin"] = "Operator routes for accounts, credentials, services and quota (the admin token).",
        ["Health"] = "Liveness and readiness probes (no credentials).",
        ["Cloudflare helpers"] = "The user, token and account routes wrangler calls to verify a token and discover accounts.",
    };

}
