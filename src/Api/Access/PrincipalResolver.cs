using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace SecretsStore.Api.Access;

/// <summary>The principal a request's credentials name, or the refusal that answers it (9106 none, 10000 unknown).</summary>
public readonly record struct Resolution(Principal? Principal, StoreError? Failure);

/// <summary>
/// Turns request headers into a principal. Look-ups are cached briefly on each node, which bounds how long a
/// revoked credential keeps working there; unknown credentials are cached too, so guessing costs no database work.
/// </summary>
public sealed class PrincipalResolver(
    CredentialRepository credentials, ServiceRepository services, AdminToken adminToken, IOptions<ApiOptions> options) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    /// <remarks>A cached credential is answered without an await: this runs for every request.</remarks>
    public ValueTask<Resolution> ResolveAsync(HttpRequest request)
    {
        var presented = PresentedCredential.Of(request.HttpContext);
        var ct = request.HttpContext.RequestAborted;
        if (presented.HasAuthorization)
        {
            if (presented.BearerHash is not { } hash)
            {
                return new(Found(null));
            }

            if (adminToken.Matches(hash))
            {
                return new(Found(OperatorPrincipal.Instance));
            }

            // The partition is "t:" and the hash in hex, which is what this cache has always been keyed by.
            return _cache.TryGetValue(presented.Partition!, out Principal? cached)
                ? new(Found(cached))
                : LookUpTokenAsync(presented.Partition!, hash, ct);
        }

        if (presented is { Email.Length: > 0, KeyHash: { } keyHash })
        {
            var email = presented.Email;
            var key = $"k:{email.Trim().ToLowerInvariant()}:{Convert.ToHexString(keyHash)}";
            return _cache.TryGetValue(key, out Principal? cached)
                ? new(Found(cached))
                : LookUpKeyAsync(key, email, keyHash, ct);
        }

        return new(new Resolution(null, Errors.MissingCredentials()));
    }

    /// <summary>Drops every cached look-up on this node, so a revocation made here takes effect at once here.</summary>
    public void Forget() => _cache.Clear();

    public void Dispose() => _cache.Dispose();

    private static Resolution Found(Principal? principal) =>
        principal is null ? new Resolution(null, Errors.AuthenticationError()) : new Resolution(principal, null);

    // Look-ups cache their answer, unknown credentials included.
    private async ValueTask<Resolution> LookUpTokenAsync(string cacheKey, byte[] hash, CancellationToken ct) =>
        Remember(cacheKey, await credentials.FindTokenAsync(hash, ct) is { } token
            ? new AccountTokenPrincipal(token.AccountId, token.Permission, token.TokenId)
            : await services.FindByTokenAsync(hash, ct) is { } service ? new ServicePrincipal(service.Name, service.Scopes, service.Grants) : null);

    private async ValueTask<Resolution> LookUpKeyAsync(string cacheKey, string email, byte[] keyHash, CancellationToken ct) =>
        Remember(cacheKey, await credentials.FindKeyAsync(email, keyHash, ct) is { } key ? new AccountKeyPrincipal(key.Email, key.AccountIds) : null);

    private Resolution Remember(string cacheKey, Principal? principal)
    {
        _cache.Set(cacheKey, principal, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = options.Value.CredentialCacheDuration });
        return Found(principal);
    }
}
