
namespace SecretsStore.Api.Access;

/// <summary>
/// The account a request addresses and the grain caller its principal is there, kept in the request's features by
/// <see cref="RouteAccessFilter"/> (features rather than Items, which would allocate a dictionary per request).
/// </summary>
public sealed record AccountCall(Guid AccountId, Caller Caller)
{
    public static AccountCall Of(HttpContext http) =>
        http.Features.Get<AccountCall>() ?? throw new InvalidOperationException("Only routes behind a RouteAccessFilter address an account.");
}
