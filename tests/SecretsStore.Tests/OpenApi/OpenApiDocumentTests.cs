using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.OpenApi;

/// <summary>The published document describes every route the service serves, with the names the wire uses.</summary>
[Collection(Infrastructure.AppCollection.Name)]
public sealed partial class OpenApiDocumentTests(AppFixture app)
{
    private async Task<JsonElement> DocumentAsync()
    {
        using var response = await app.Http.GetAsync("/openapi/v1.json");
        Assert.Equal(200, (int)response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task EveryRouteTheServiceServesIsInTheDocument()
    {
        var paths = (await DocumentAsync()).GetProperty("paths");
        var served = app.App.Web.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            // The document itself and the operator's dashboard (a UI, not an API) are the only routes left out.
            .Where(e => e.RoutePattern.RawText is { } raw && !raw.StartsWith("/openapi/", StringComparison.Ordinal) && !raw.StartsWith("/dashboard", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Path: e.RoutePattern.RawText!.TrimEnd('/'), Method: m.ToLowerInvariant())))
            .ToList();

        Assert.NotEmpty(served);
        var missing = served.Where(r => !paths.TryGetProperty(r.Path, out var item) || !item.TryGetProperty(r.Method, out _)).ToList();
        Assert.True(missing.Count == 0, "missing from the OpenAPI document: " + string.Join(", ", missing.Select(m => $"{m.Method} {m.Path}")));
    }

    [Fact]
    public async Task EveryOperationDocumentsItsSuccessAndTheErrorEnvelope()
    {
        foreach (var path in (await DocumentAsync()).GetProperty("paths").EnumerateObject().Where(p => !p.Name.EndsWith("z", StringComparison.Ordinal)))
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var responses = operation.Value.GetProperty("responses").EnumerateObject().ToList();
                Assert.Contains(responses, r => r.Name.StartsWith('2'));
                var error = responses.FirstOrDefault(r => r.Name.StartsWith('4'));
                Assert.True(error.Value.ValueKind == JsonValueKind.Object, $"{operation.Name} {path.Name} documents no 4xx");
                Assert.Contains("ErrorEnvelope", error.Value.GetRawText());
            }
        }
    }

    [Fact]
    public async Task EveryWriteOfTheAccountSystemAndAdminRoutesTakesAnIdempotencyKeyAndNoReadDoes()
    {
        var keyed = new List<string>();
        foreach (var path in (await DocumentAsync()).GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var takesKey = operation.Value.TryGetProperty("parameters", out var parameters)
                    && parameters.EnumerateArray().Any(p => p.GetProperty("name").GetString() == "Idempotency-Key" && p.GetProperty("in").GetString() == "header");
                var write = operation.Name is "post" or "patch" or "delete"
                    && (path.Name.StartsWith("/client/v4/accounts/", StringComparison.Ordinal) || path.Name.StartsWith("/client/v4/system/", StringComparison.Ordinal)
                        || path.Name.StartsWith("/admin/v1/", StringComparison.Ordinal));
                Assert.True(write == takesKey, $"{operation.Name} {path.Name}: {(write ? "no" : "an")} Idempotency-Key");
                if (takesKey)
                {
                    keyed.Add($"{operation.Name} {path.Name}");
                }
            }
        }

        Assert.Contains("post /client/v4/accounts/{account_id}/secrets_store/stores/{store_id}/secrets", keyed);
        Assert.Contains("post /admin/v1/accounts/{account_id}/tokens", keyed);
    }

    [Fact]
    public async Task SchemasUseTheWiresSnakeCaseNames()
    {
        var schemas = (await DocumentAsync()).GetProperty("components").GetProperty("schemas");
        Assert.True(schemas.GetProperty("ManagedStoreCreateRequest").GetProperty("properties").TryGetProperty("account_id", out _));
        Assert.True(schemas.GetProperty("ListEnvelopeOfSecretDto").GetProperty("properties").TryGetProperty("result_info", out _));
        foreach (var schema in schemas.EnumerateObject())
        {
            if (schema.Value.TryGetProperty("properties", out var properties))
            {
                Assert.All(properties.EnumerateObject(), p => Assert.Matches(SnakeCase(), p.Name));
            }
        }
    }

    [Fact]
    public async Task ListParametersSayWhatTheListRulesAccept()
    {
        var paths = (await DocumentAsync()).GetProperty("paths");
        JsonElement Parameter(string path, string name) =>
            paths.GetProperty(path).GetProperty("get").GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == name);

        var secrets = "/client/v4/accounts/{account_id}/secrets_store/stores/{store_id}/secrets";
        var stores = "/client/v4/accounts/{account_id}/secrets_store/stores";
        Assert.Contains("comment", Parameter(secrets, "order").GetProperty("schema").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain("comment", Parameter(stores, "order").GetProperty("schema").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(100, Parameter(secrets, "per_page").GetProperty("schema").GetProperty("maximum").GetInt32());
        Assert.Equal("^[0-9a-fA-F]{32}$", Parameter(secrets, "account_id").GetProperty("schema").GetProperty("pattern").GetString());
    }

    [Fact]
    public async Task TheValueRoutesAndTheAuditRouteAreDescribed()
    {
        var document = await DocumentAsync();
        var paths = document.GetProperty("paths");
        foreach (var path in new[]
        {
            "/client/v4/system/accounts/{account_tag}/stores/{store_id}/secrets/{secret_id}/value",
            "/client/v4/system/accounts/{account_tag}/stores/{store_id}/secrets/by-name/{name}/value",
        })
        {
            var get = paths.GetProperty(path).GetProperty("get");
            Assert.Contains("consumer scopes", get.GetProperty("description").GetString());
            Assert.Contains("EnvelopeOfSecretValueDto", get.GetProperty("responses").GetProperty("200").GetRawText());
            Assert.True(get.GetProperty("responses").TryGetProperty("404", out _));
        }

        var value = document.GetProperty("components").GetProperty("schemas").GetProperty("SecretValueDto").GetProperty("properties");
        Assert.Equal(["id", "name", "value"], value.EnumerateObject().Select(p => p.Name));
        var audit = paths.GetProperty("/client/v4/accounts/{account_id}/secrets_store/audit").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .ToDictionary(p => p.GetProperty("name").GetString()!);
        Assert.Contains("secret.read_value", audit["action"].GetProperty("schema").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("date-time", audit["since"].GetProperty("schema").GetProperty("format").GetString());
        Assert.True(paths.TryGetProperty("/admin/v1/audit", out _));
    }

    [Fact]
    public async Task TheAdminRoutesAreDescribedWithTheirOwnShapes()
    {
        var document = await DocumentAsync();
        var paths = document.GetProperty("paths");
        var account = paths.GetProperty("/admin/v1/accounts/{account_id}");
        Assert.Contains("EnvelopeOfAdminAccountDto", account.GetProperty("get").GetProperty("responses").GetProperty("200").GetRawText());
        var delete = account.GetProperty("delete");
        Assert.True(delete.GetProperty("responses").TryGetProperty("409", out _));
        var force = delete.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "force");
        Assert.Contains("account", force.GetProperty("description").GetString());

        var quota = paths.GetProperty("/admin/v1/accounts/{account_id}/quota");
        foreach (var method in new[] { "get", "put", "patch" })
        {
            Assert.Contains("EnvelopeOfAdminQuotaDto", quota.GetProperty(method).GetProperty("responses").GetProperty("200").GetRawText());
        }

        Assert.Contains("QuotaChangeRequest", quota.GetProperty("patch").GetProperty("requestBody").GetRawText());
        Assert.Contains("EnvelopeOfAdminKeyDtoList", paths.GetProperty("/admin/v1/accounts/{account_id}/keys").GetProperty("get").GetRawText());
        Assert.Contains("EnvelopeOfAdminTokenDtoList", paths.GetProperty("/admin/v1/accounts/{account_id}/tokens").GetProperty("get").GetRawText());

        Assert.True(paths.GetProperty("/client/v4/system/accounts/{account_tag}/stores").GetProperty("post").GetProperty("responses").TryGetProperty("404", out _));
        Assert.True(paths.GetProperty("/client/v4/system/accounts/{account_tag}/stores").GetProperty("get").GetProperty("responses").TryGetProperty("404", out _));

        var schemas = document.GetProperty("components").GetProperty("schemas");
        Assert.Contains("hint", schemas.GetProperty("ErrorItem").GetProperty("properties").GetProperty("message").GetProperty("description").GetString());
        Assert.True(schemas.GetProperty("AdminQuotaCounter").GetProperty("properties").TryGetProperty("override", out _));
        // Repository records never reach the wire.
        foreach (var record in new[] { "AccountRecord", "TokenRecord", "KeyRecord", "ServiceRecord" })
        {
            Assert.False(schemas.TryGetProperty(record, out _), $"{record} is a repository record, yet the document has it");
        }
    }

    [Fact]
    public async Task TheServicesAccountsAndTheirGrantRoutesAreDescribed()
    {
        var document = await DocumentAsync();
        var paths = document.GetProperty("paths");
        var grants = paths.GetProperty("/admin/v1/services/{name}/accounts/{account_id}");
        foreach (var method in new[] { "put", "delete" })
        {
            var operation = grants.GetProperty(method);
            Assert.True(operation.GetProperty("responses").TryGetProperty("404", out _), $"{method} documents its 404");
            var account = operation.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "account_id");
            Assert.Matches(account.GetProperty("schema").GetProperty("pattern").GetString()!, "*");
        }

        var schemas = document.GetProperty("components").GetProperty("schemas");
        Assert.True(schemas.GetProperty("ServiceCreateRequest").GetProperty("properties").TryGetProperty("accounts", out _));
        Assert.True(schemas.GetProperty("AdminServiceDto").GetProperty("properties").TryGetProperty("accounts", out _));
        Assert.True(schemas.GetProperty("AuditRecordDto").GetProperty("properties").TryGetProperty("addressed_account_id", out _));
        Assert.Contains("accounts", paths.GetProperty("/admin/v1/services").GetProperty("post").GetRawText());
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex SnakeCase();
}
