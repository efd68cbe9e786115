
namespace SecretsStore.Api.Audit;

/// <summary>
/// The id of an audited request: random, made by the service (a client's own id could collide or lie), and sent
/// back as <c>x-request-id</c> so a caller can find its request in the trail. Plain reads get none.
/// </summary>
public static class RequestIds
{
    public const string Header = "x-request-id";

    public static string Of(HttpContext http)
    {
        if (http.Features.Get<RequestId>() is { } known)
        {
            return known.Value;
        }

        var id = Guid.NewGuid().ToString("N");
        http.Features.Set(new RequestId(id));
        http.Response.Headers[Header] = id;
        return id;
    }

    private sealed record RequestId(string Value);
}
