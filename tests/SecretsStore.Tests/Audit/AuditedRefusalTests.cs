using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SecretsStore.Api.Audit;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Audit;

/// <summary>
/// Every refusal of every audited route leaves exactly one record, whoever gave it: the access filters (a credential
/// of the wrong kind), body reading (not JSON), a handler (a service, token or key that is not there) or a grain (a
/// store that is not there, a name that is not one). The routes are read from the running app, so a route added
/// without a case here fails <see cref="EveryAuditedRouteHasItsRefusalsHere"/>; one whose refusal goes unrecorded or
/// is recorded twice fails <see cref="EveryRefusalOfEveryAuditedRouteIsRecordedExactlyOnce"/>.
/// </summary>
[Collection(AppCollection.Name)]
public sealed partial class AuditedRefusalTests(AppFixture app)
{
    private enum Who
    {
        Account,
        Service,
        Operator,
    }

    /// <summary>
    /// What each audited route is sent, besides the generic refusals every route gets: a body it reads without
    /// complaint (null when it takes none), and whether that request, with made-up ids in the path, is refused (every
    /// route but the account's creation).
    /// </summary>
    private static readonly Dictionary<string, (object? Body, bool Refused)> Routes = new()
    {
        ["POST /client/v4/accounts/{account_id}/secrets_store/stores"] = (new { name = "not a name!" }, true),
        ["DELETE /client/v4/accounts/{account_id}/secrets_store/stores/{store_id}"] = (null, true),
        ["POST /client/v4/accounts/{account_id}/secrets_store/stores/{store_id}/secrets"] = (NewSecrets, true),
        ["DELETE /client/v4/accounts/{account_id}/secrets_store/stores/{store_id}/secrets"] = (new { ids = new[] { Id() } }, true),
        ["PATCH /client/v4/accounts/{account_id}/secrets_store/stores/{store_id}/secrets/{secret_id}"] = (new { comment = "c" }, true),
        ["DELETE /client/v4/accounts/{account_id}/secrets_store/stores/{store_id}/secrets/{secret_id}"] = (null, true),
        ["POST /client/v4/accounts/{account_id}/secrets_store/stores/{store_id}/secrets/{secret_id}/duplicate"] = (Duplicate, true),
        ["POST /client/v4/system/accounts/{account_tag}/stores"] = (new { name = "not a name!", account_id = 7 }, true),
        ["DELETE /client/v4/system/accounts/{account_tag}/stores/{store_id}"] = (null, true),
        ["POST /client/v4/system/accounts/{account_tag}/stores/{store_id}/secrets"] = (NewSecrets, true),
        ["DELETE /client/v4/system/accounts/{account_tag}/stores/{store_id}/secrets"] = (new { ids = new[] { Id() } }, true),
        ["PATCH /client/v4/system/accounts/{account_tag}/stores/{store_id}/secrets/{secret_id}"] = (new { comment = "c" }, true),
        ["DELETE /client/v4/system/accounts/{account_tag}/stores/{store_id}/secrets/{secret_id}"] = (null, true),
        ["POST /client/v4/system/accounts/{account_tag}/stores/{store_id}/secrets/{secret_id}/duplicate"] = (Duplicate, true),
        ["GET /client/v4/system/accounts/{account_tag}/stores/{store_id}/secrets/{secret_id}/value"] = (null, true),
        ["GET /client/v4/system/accounts/{account_tag}/stores/{store_id}/secrets/by-name/{name}/value"] = (null, true),
        ["POST /admin/v1/accounts"] = (new { name = "never" }, false),
        ["DELETE /admin/v1/accounts/{account_id}"] = (null, true),
        ["PUT /admin/v1/accounts/{account_id}/quota"] = (new { secrets = 1, stores = 1 }, true),
        ["PATCH /admin/v1/accounts/{account_id}/quota"] = (new { secrets = 1 }, true),
        ["POST /admin/v1/accounts/{account_id}/tokens"] = (new { name = "t", permission = "read" }, true),
        ["DELETE /admin/v1/accounts/{account_id}/tokens/{token_id}"] = (null, true),
        ["POST /admin/v1/accounts/{account_id}/keys"] = (new { email = "nobody@example.test" }, true),
        ["DELETE /admin/v1/accounts/{account_id}/keys/{email}"] = (null, true),
        ["POST /admin/v1/keys/rotate"] = (null, true), // the app has one master key: no_new_master_key
        ["POST /admin/v1/services"] = (new { name = "never-made", scopes = new[] { "workers" }, accounts = new[] { Id() } }, true),
        ["POST /admin/v1/services/{name}/token"] = (null, true),
        ["PUT /admin/v1/services/{name}/accounts/{account_id}"] = (null, true),
        ["DELETE /admin/v1/services/{name}/accounts/{account_id}"] = (null, true),
        ["DELETE /admin/v1/services/{name}"] = (null, true),
    };

    private static object NewSecrets => new[] { new { name = "A", value = "v", scopes = new[] { "workers" } } };

    private static object Duplicate => new { name = "B", scopes = new[] { "workers" } };

    [Fact]
    public void EveryAuditedRouteHasItsRefusalsHere()
    {
        var audited = AuditedRoutes().Select(r => r.Route).Order().ToList();
        Assert.NotEmpty(audited);
        Assert.Equal(Routes.Keys.Order(), audited);
    }

    [Fact]
    public async Task EveryRefusalOfEveryAuditedRouteIsRecordedExactlyOnce()
    {
        var account = await app.NewAccountAsync();
        var service = await app.NewServiceAsync();
        await app.Api.CreateStoreAsync(account, "kept");
        var sent = new List<(string What, ApiResponse Answer)>();
        foreach (var (route, reads) in AuditedRoutes())
        {
            var (method, pattern) = (new HttpMethod(route.Split(' ')[0]), route.Split(' ')[1]);
            var who = pattern.StartsWith("/admin/", StringComparison.Ordinal) ? Who.Operator
                : pattern.StartsWith("/client/v4/system/", StringComparison.Ordinal) ? Who.Service
                : Who.Account;
            var (body, refused) = Routes[route];
            var path = Fill(pattern, account.Id);
            string Token(Who w) => w switch { Who.Account => account.WriteToken, Who.Service => service.Token, _ => app.AdminToken };

            // A credential this route family is not for: the access filter's refusal (9109).
            var wrong = who == Who.Account ? Who.Service : Who.Account;
            sent.Add(($"{route} with a {wrong} credential", await app.Api.SendAsync(method, path, Token(wrong), body)));
            if (reads)
            {
                sent.Add(($"{route} with a body that is not JSON", await app.Api.SendAsync(method, path, Token(who), "not json")));
            }

            if (refused)
            {
                sent.Add(($"{route} naming what is not there", await app.Api.SendAsync(method, path, Token(who), body)));
            }
        }

        // Refusals of a handler behind a found account or service, and of a grain behind a handler.
        var admin = $"/admin/v1/accounts/{account.Id}";
        sent.Add(("a token that is not there", await app.Api.DeleteAsync($"{admin}/tokens/{Id()}", app.AdminToken)));
        sent.Add(("a key that is not there", await app.Api.DeleteAsync($"{admin}/keys/nobody@example.test", app.AdminToken)));
        sent.Add(("an account that still has a store", await app.Api.DeleteAsync(admin, app.AdminToken)));
        sent.Add(("a service name taken", await app.Api.PostAsync("/admin/v1/services", app.AdminToken, new { name = service.Name, scopes = new[] { "workers" }, accounts = new[] { "*" } })));
        sent.Add(("an account id that is not one", await app.Api.PutAsync($"/admin/v1/services/{service.Name}/accounts/nope", app.AdminToken, null)));
        sent.Add(("a grant that is not there", await app.Api.DeleteAsync($"/admin/v1/services/{service.Name}/accounts/{account.Id}", app.AdminToken)));
        sent.Add(("a value id that is not one", await app.Api.GetAsync($"{TestService.Base(account.Id)}/stores/nope/secrets/{Id()}/value", service.Token)));
        sent.Add(("a store name taken, in the array form", await app.Api.PostAsync($"{account.Base}/stores", account.WriteToken, new[] { new { name = "kept" } })));

        foreach (var (what, answer) in sent)
        {
            Assert.True(answer.Status is >= 400 and < 500, $"{what}: answered {answer.Status} {answer.Body}");
            var requestId = answer.Header("x-request-id");
            Assert.False(string.IsNullOrEmpty(requestId), $"{what}: no x-request-id");
            var records = await RecordsAsync(requestId!);
            Assert.True(records.Count == 1, $"{what} ({answer.Status} {answer.ErrorMessage}): {records.Count} records");
            Assert.Equal((answer.Status, answer.ErrorCode, answer.ErrorToken), records[0]);
        }
    }

    /// <summary>Every audited route of the running app as <c>METHOD /pattern</c>, and whether it reads a body.</summary>
    private IEnumerable<(string Route, bool ReadsBody)> AuditedRoutes() =>
        app.App.Web.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<AuditedAction>() is not null)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
                .Select(m => ($"{m} {e.RoutePattern.RawText!.TrimEnd('/')}", e.Metadata.GetMetadata<IAcceptsMetadata>() is not null)));

    /// <summary>The path with the test's account and made-up ids, names and emails.</summary>
    private static string Fill(string pattern, string accountId) => Parameter().Replace(pattern, m => m.Groups[1].Value switch
    {
        "account_id" when pattern.StartsWith("/admin/v1/accounts/", StringComparison.Ordinal) => Id(),
        "account_id" or "account_tag" => accountId,
        "email" => $"nobody-{Guid.NewGuid():N}@example.test",
        "name" => $"NOBODY_{Guid.NewGuid():N}"[..20],
        _ => Id(),
    });

    private async Task<List<(int Status, int Code, string Error)>> RecordsAsync(string requestId)
    {
        await using var connection = new NpgsqlConnection(app.Settings.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT status, coalesce(code, 0), coalesce(error, '') FROM audit_log WHERE request_id = $1", connection)
        {
            Parameters = { new NpgsqlParameter { Value = requestId } },
        };
        await using var reader = await command.ExecuteReaderAsync();
        var records = new List<(int, int, string)>();
        while (await reader.ReadAsync())
        {
            records.Add((reader.GetInt32(0), reader.GetInt32(1), reader.GetString(2)));
        }

        return records;
    }

    private static string Id() => Guid.NewGuid().ToString("N");

    [GeneratedRegex(@"\{([a-z_]+)\}")]
    private static partial Regex Parameter();
}
