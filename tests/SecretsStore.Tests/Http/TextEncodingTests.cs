using System.Net.Http.Headers;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Http;

/// <summary>Text that is valid JSON but not valid Unicode, and bytes that are not UTF-8: always 400, never 500.</summary>
[Collection(AppCollection.Name)]
public sealed class TextEncodingTests(AppFixture app)
{
    private const string LoneSurrogate = "\\ud800";

    private ApiClient Api => app.Api;

    [Theory]
    [InlineData("value")]
    [InlineData("comment")]
    public async Task ALoneSurrogateInANewSecretIs400AndCreatesNothing(string field)
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var fields = new Dictionary<string, string> { ["name"] = "\"A\"", ["value"] = "\"v\"", ["comment"] = "\"c\"" };
        fields[field] = $"\"x{LoneSurrogate}y\"";
        var body = $"[{{\"name\":{fields["name"]},\"value\":{fields["value"]},\"comment\":{fields["comment"]},\"scopes\":[\"workers\"]}}]";

        var response = await Api.PostAsync($"{account.Base}/stores/{store}/secrets", account.WriteToken, body);

        Assert.Equal((400, 1001, $"invalid_json_body: {field} is not valid Unicode text", $"/0/{field}"),
            (response.Status, response.ErrorCode, response.ErrorMessage, response.ErrorPointer));
        Assert.Empty((await Api.GetAsync($"{account.Base}/stores/{store}/secrets", account.ReadToken)).Names());
    }

    [Fact]
    public async Task ALoneSurrogateInAPatchADuplicateABulkDeleteOrAStoreNameIs400()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var secret = (await Api.CreateSecretAsync(account, store, "A")).GetProperty("id").GetString();
        var path = $"{account.Base}/stores/{store}/secrets/{secret}";

        var patch = await Api.PatchAsync(path, account.WriteToken, $"{{\"value\":\"{LoneSurrogate}\"}}");
        var duplicate = await Api.PostAsync($"{path}/duplicate", account.WriteToken, $"{{\"name\":\"{LoneSurrogate}\",\"scopes\":[\"workers\"]}}");
        var delete = await Api.DeleteAsync($"{account.Base}/stores/{store}/secrets", account.WriteToken, $"{{\"ids\":[\"{LoneSurrogate}\"]}}");
        var storeName = await Api.PostAsync($"{account.Base}/stores", account.WriteToken, $"{{\"name\":\"{LoneSurrogate}\"}}");

        Assert.Equal((400, "/value"), (patch.Status, patch.ErrorPointer));
        Assert.Equal((400, "/name"), (duplicate.Status, duplicate.ErrorPointer));
        Assert.Equal((400, "/ids/0"), (delete.Status, delete.ErrorPointer));
        Assert.Equal((400, "/name"), (storeName.Status, storeName.ErrorPointer));
        Assert.Equal(["A"], (await Api.GetAsync($"{account.Base}/stores/{store}/secrets", account.ReadToken)).Names());
    }

    [Fact]
    public async Task ABodyThatIsNotUtf8Is400()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{account.Base}/stores/{store}/secrets")
        {
            Content = new ByteArrayContent([.. "[{\"name\":\"A\",\"value\":\""u8, 0xff, 0xfe, .. "\",\"scopes\":[\"workers\"]}]"u8]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.WriteToken);

        using var response = await app.Http.SendAsync(request);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("invalid_json_body", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ACommentWithANulCharacterIs400ButAValueMayHoldOne()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);

        var comment = await Api.PostAsync($"{account.Base}/stores/{store}/secrets", account.WriteToken,
            "[{\"name\":\"C\",\"value\":\"v\",\"comment\":\"a\\u0000b\",\"scopes\":[\"workers\"]}]");
        var value = await Api.PostAsync($"{account.Base}/stores/{store}/secrets", account.WriteToken,
            "[{\"name\":\"V\",\"value\":\"a\\u0000b\",\"scopes\":[\"workers\"]}]");

        Assert.Equal((400, "/0/comment"), (comment.Status, comment.ErrorPointer));
        Assert.Equal(200, value.Status);
        Assert.Equal(["V"], (await Api.GetAsync($"{account.Base}/stores/{store}/secrets", account.ReadToken)).Names());
    }

    [Fact]
    public async Task ASearchThatIsNotUtf8IsAnsweredNot500()
    {
        var account = await app.NewAccountAsync();
        var store = await Api.CreateStoreAsync(account);
        var response = await Api.GetAsync($"{account.Base}/stores/{store}/secrets?search=%ED%A0%80%FF", account.ReadToken);
        Assert.Equal(200, response.Status);
    }
}
