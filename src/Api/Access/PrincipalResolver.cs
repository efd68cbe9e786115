using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using SecretsStore.Api.Wire;

namespace SecretsStore.Api.Access;

/// <summary>The principal a request's credentials name, or the error that answers it (9106 none, 10000 unknown).</summary>
public readonly record struct Resolution(Principal? Principal, IResult? Failure);

/// <summary>
/// Turns request headers into a principal. Look-ups are cached briefly on each node, which bounds how long a
/// revoked credential keeps working there; unknown credentials are cached too, so guessing costs no database work.
/// </summary>
public sealed class PrincipalResolver(CredentialRepository credentials, ServiceRepository services, IOptions<AccessOptions> options) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 100_000 });
    private readonly byte[]? _adminTokenHash = string.IsNullOrEmpty(options.Value.AdminToken) ? null : TokenHasher.Hash(options.Value.AdminToken);

    public async Task<Resolution> ResolveAsync(HttpRequest request)
    {
        var presented = PresentedCredential.Of(request.HttpContext);
        if (presented.HasAuthorization)
        {
            return Found(await ResolveBearerAsync(presented, request.HttpContext.RequestAborted));
        }

        if (presented is { Email.Length: > 0, KeyHash: { } keyHash })
        {
            var email = presented.Email;
            return Found(await CachedAsync($"k:{email.Trim().ToLowerInvariant()}:{Convert.ToHexString(keyHash)}",
                async ct => await credentials.FindKeyAsync(email, keyHash, ct), request.HttpContext.RequestAborted));
        }

        return new Resolution(null, ApiResults.MissingCredentials());
    }

    /// <summary>Drops every cached look-up on this node, so a revocation made here takes effect at once here.</summary>
    public void Forget() => _cache.Clear();

    public void Dispose() => _cache.Dispose();

    private static Resolution Found(Principal? principal) =>
        principal is null ? new Resolution(null, ApiResults.AuthenticationError()) : new Resolution(principal, null);

    private async Task<Principal?> ResolveBearerAsync(PresentedCredential presented, CancellationToken ct)
    {
        if (presented.BearerHash is not { } hash)
        {
            return null;
        }

        if (_adminTokenHash is not null && TokenHasher.FixedTimeEquals(hash, _adminTokenHash))
        {
            return OperatorPrincipal.Instance;
        }

        // The partition is "t:" and the hash in hex, which is what this cache has always been keyed by.
        return await CachedAsync(presented.Partition!,
            async c => (Principal?)await credentials.FindTokenAsync(hash, c) ?? await services.FindByTokenAsync(hash, c), ct);
    }

    private async Task<Principal?> CachedAsync(string cacheKey, Func<CancellationToken, Task<Principal?>> lookup, CancellationToken ct)
    {
        if (_cache.TryGetValue(cacheKey, out Principal? cached))
        {
            return cached;
        }

        var principal = await lookup(ct);
        _cache.Set(cacheKey, principal, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = options.Value.CredentialCacheDuration });
        return principal;
    }
}
