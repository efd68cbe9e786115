using System.Text.RegularExpressions;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Http;

/// <summary>docs/api.md, "Requests and answers" and "Errors": envelope, headers, route errors and the order in which checks answer.</summary>
[Collection(AppCollection.Name)]
public sealed partial class ConventionsTests(AppFixture app)
{
    private ApiClient Api => app.Api;

    [Fact]
    public async Task AnUnknownPathIs404WithCode7000()
    {
        var response = await Api.GetAsync("/client/v4/nothing/here", null);
        Assert.Equal((404, 7000, "No route for that URI"), (response.Status, response.ErrorCode, response.ErrorMessage));
        Assert.False(response.Success);
        Assert.Equal("application/json", response.ContentType);
    }

    [Fact]
    public async Task AKnownPathWithTheWrongMethodIs405WithCode7001()
    {
        var account = await app.NewAccountAsync();
        var response = await Api.PutAsync($"{account.Base}/quota", account.WriteToken, new { });
        Assert.Equal((405, 7001), (response.Status, response.ErrorCode));
    }

    [Fact]
    public async Task AMalformedAccountIdIs400WithCode7003BeforeCredentialsAreLookedAt()
    {
        var response = await Api.GetAsync("/client/v4/accounts/not-an-id/secrets_store/quota", null);
        Assert.Equal((400, 7003), (response.Status, response.ErrorCode));
        Assert.Equal("Could not route to /accounts/not-an-id, perhaps your object identifier is invalid?", response.ErrorMessage);
        Assert.Equal("false", response.Header("x-should-retry"));
    }

    [Fact]
    public async Task NoCredentialsIs400WithCode9106()
    {
        var account = await app.NewAccountAsync();
        var response = await Api.GetAsync($"{account.Base}/quota", null);
        Assert.Equal((400, 9106), (response.Status, response.ErrorCode));
        Assert.Equal("Missing X-Auth-Key, X-Auth-Email or Authorization headers", response.ErrorMessage);
    }

    [Theory]
    [InlineData("Bearer not-a-real-token", "this token is unknown, revoked or malformed")]
    [InlineData("Basic dXNlcjpwYXNz", "the Authorization header takes a token as Bearer <token>")]
    public async Task UnknownOrMalformedCredentialsAre401WithCode10000(string authorization, string hint)
    {
        var account = await app.NewAccountAsync();
        var response = await Api.SendAsync(HttpMethod.Get, $"{account.Base}/quota", null,
            headers: new Dictionary<string, string> { ["Authorization"] = authorization });
        // Cloudflare's code and words first (clients match on them), then what to do.
        Assert.Equal((401, 10000, "Authentication error"), (response.Status, response.ErrorCode, response.ErrorToken));
        Assert.StartsWith($"Authentication error: {hint}", response.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReadTokenCannotWrite()
    {
        var account = await app.NewAccountAsync();
        var response = await Api.PostAsync($"{account.Base}/stores", account.ReadToken, new { name = "x" });
        Assert.Equal((403, 9109), (response.Status, response.ErrorCode));
        Assert.Equal(200, (await Api.GetAsync($"{account.Base}/stores", account.ReadToken)).Status);
    }

    [Fact]
    public async Task ATokenOfOneAccountIsRefusedOnAnother()
    {
        var a = await app.NewAccountAsync();
        var b = await app.NewAccountAsync();
        var response = await Api.GetAsync($"{b.Base}/stores", a.WriteToken);
        Assert.Equal((403, 9109), (response.Status, response.ErrorCode));
        Assert.Equal("false", response.Header("x-should-retry"));
    }

    [Fact]
    public async Task TheOperatorTokenIsNotAnAccountCredential()
    {
        var account = await app.NewAccountAsync();
        var response = await Api.GetAsync($"{account.Base}/stores", app.AdminToken);
        Assert.Equal((403, 9109), (response.Status, response.ErrorCode));
    }

    [Fact]
    public async Task AnAccountTokenCannotUseTheAdminRoutes()
    {
        var account = await app.NewAccountAsync();
        Assert.Equal(403, (await Api.GetAsync("/admin/v1/accounts", account.WriteToken)).Status);
    }

    [Fact]
    public async Task ABodyOver8MiBIs413()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var huge = $"[{{\"name\":\"a\",\"value\":\"{new string('x', 8 * 1024 * 1024)}\",\"scopes\":[\"workers\"]}}]";
        var response = await Api.PostAsync($"{account.Base}/stores/{store}/secrets", account.WriteToken, huge);
        Assert.Equal((413, 1001, "request_body_too_large"), (response.Status, response.ErrorCode, response.ErrorMessage));
        Assert.Equal("false", response.Header("x-should-retry"));
    }

    [Fact]
    public async Task BodiesAreReadAsJsonWhateverTheContentType()
    {
        var account = await app.NewAccountAsync();
        var response = await Api.SendAsync(HttpMethod.Post, $"{account.Base}/stores", account.WriteToken,
            "{\"name\":\"plain\"}", contentType: "text/plain; charset=UTF-8");
        Assert.Equal(200, response.Status);
        Assert.Equal("plain", response.Result.GetProperty("name").GetString());
    }

    [Fact]
    public async Task ABodyThatIsNotJsonIsInvalidJsonBody()
    {
        var account = await app.NewAccountAsync();
        var response = await Api.PostAsync($"{account.Base}/stores", account.WriteToken, "{not json");
        Assert.Equal((400, 1001, "invalid_json_body: the body is not valid JSON"), (response.Status, response.ErrorCode, response.ErrorMessage));
    }

    [Fact]
    public async Task SuccessfulAnswersUseTheEnvelope()
    {
        var account = await app.NewAccountAsync();
        var response = await Api.PostAsync($"{account.Base}/stores", account.WriteToken, new { name = "enveloped" });
        Assert.True(response.Success);
        Assert.Empty(response.Body.GetProperty("errors").EnumerateArray());
        Assert.Empty(response.Body.GetProperty("messages").EnumerateArray());
        Assert.Equal("application/json", response.ContentType);
        Assert.Null(response.Header("x-should-retry"));

        var store = response.Result;
        Assert.Matches(IdPattern(), store.GetProperty("id").GetString()!);
        Assert.Equal(account.Id, store.GetProperty("account_id").GetString());
        Assert.Matches(TimestampPattern(), store.GetProperty("created").GetString()!);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, store.GetProperty("managed_by").ValueKind);
    }

    [Fact]
    public async Task IdsInPathsMatchWhateverTheirCase()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var response = await Api.GetAsync($"/client/v4/accounts/{account.Id.ToUpperInvariant()}/secrets_store/stores/{store.ToUpperInvariant()}", account.ReadToken);
        Assert.Equal(200, response.Status);
        Assert.Equal(store, response.Result.GetProperty("id").GetString());
    }

    [Fact]
    public async Task ValidationComesBeforeExistence()
    {
        var account = await app.NewAccountAsync();
        var response = await Api.PostAsync($"{account.Base}/stores/{Guid.NewGuid():N}/secrets", account.WriteToken,
            new[] { new { name = "", value = "v", scopes = new[] { "workers" } } });
        Assert.Equal((400, "secret_name_empty"), (response.Status, response.ErrorToken));
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")]
    private static partial Regex TimestampPattern();
}
