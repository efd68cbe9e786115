using System.Net;
using System.Net.Http.Headers;
using System.Text;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Hosting;

/// <summary>The Orleans dashboard opens for the operator's token and for no one else.</summary>
[Collection(AppCollection.Name)]
public sealed class DashboardTests(AppFixture app)
{
    private async Task<HttpResponseMessage> GetAsync(AuthenticationHeaderValue? authorization)
    {
        // The trailing slash: "/dashboard" redirects there, and a client drops credentials on a redirect.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        request.Headers.Authorization = authorization;
        return await app.Http.SendAsync(request);
    }

    private static AuthenticationHeaderValue Basic(string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"operator:{password}")));

    [Fact]
    public async Task WithoutTheAdminTokenTheDashboardAsksForIt()
    {
        using var anonymous = await GetAsync(null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.StartsWith("Basic", anonymous.Headers.WwwAuthenticate.ToString());

        var account = await app.NewAccountAsync();
        using var accountToken = await GetAsync(new AuthenticationHeaderValue("Bearer", account.WriteToken));
        Assert.Equal(HttpStatusCode.Unauthorized, accountToken.StatusCode);
        using var wrongPassword = await GetAsync(Basic("guess"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
    }

    [Fact]
    public async Task TheAdminTokenOpensTheDashboardFromABrowserOrAScript()
    {
        using var basic = await GetAsync(Basic(app.AdminToken));
        Assert.Equal(HttpStatusCode.OK, basic.StatusCode);
        Assert.Contains("html", basic.Content.Headers.ContentType?.MediaType);
        using var bearer = await GetAsync(new AuthenticationHeaderValue("Bearer", app.AdminToken));
        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
    }
}
