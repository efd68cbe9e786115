using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using SecretsStore.Api.Observability;

namespace SecretsStore.Api.Access;

/// <summary>The principal a request's credentials name, or the refusal that answers it (9106 none, 10000 unknown).</summary>
public readonly record struct Resolution(Principal? Principal, StoreError? Failure);

/// <summary>
/// Turns request headers into a principal, once per request (the answer is kept in the request's features, so the
/// rate limiter, the route filters and the request log all use one look-up). Known credentials are cached briefly on
/// each node (<c>SecretsStore:CredentialCacheDuration</c>), unknown ones in a bounded cache of their own
/// (<see cref="CredentialDigestSet"/>), so guessing costs no database work and cannot evict the known. A
/// revocation forgets both, on this node at once and on every other gateway through <see cref="ClusterRevocations"/>.
/// </summary>
public sealed class PrincipalResolver : IDisposable
{
    /// <summary>How many credentials each cache holds at most.</summary>
    public const int CacheCapacity = 100_000;

    /// <summary>
    /// How long a credential the database did not know is taken as unknown. Longer than the positive cache, since no
    /// revocation can make an unknown credential valid: a new token, key or service token is always fresh random bytes.
    /// </summary>
    public static readonly TimeSpan UnknownCredentialLifetime = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a credential found valid may still be looked up from a client address that is over its limit of
    /// failed authentications (<see cref="WasRecentlyValid"/>), once its cache entry has expired.
    /// </summary>
    public static readonly TimeSpan RecentlyValidLifetime = TimeSpan.FromMinutes(30);

    private readonly CredentialRepository _credentials;
    private readonly ServiceRepository _services;
    private readonly AdminToken _adminToken;
    private readonly IOptions<ApiOptions> _options;
    private readonly ClusterRevocations _revocations;
    private readonly GatewayMetrics _metrics;
    private readonly MemoryCache _known = new(new MemoryCacheOptions { SizeLimit = CacheCapacity });
    private readonly CredentialDigestSet _unknown;
    private readonly CredentialDigestSet _recentlyValid;

    // Bumped by every revocation: a look-up that started before one does not cache what it read.
    private long _generation;

    public PrincipalResolver(
        CredentialRepository credentials, ServiceRepository services, AdminToken adminToken, IOptions<ApiOptions> options,
        ClusterRevocations revocations, GatewayMetrics metrics, TimeProvider clock)
    {
        _credentials = credentials;
        _services = services;
        _adminToken = adminToken;
        _options = options;
        _revocations = revocations;
        _metrics = metrics;
        _unknown = new CredentialDigestSet(CacheCapacity, UnknownCredentialLifetime, clock);
        _recentlyValid = new CredentialDigestSet(CacheCapacity, RecentlyValidLifetime, clock);
        revocations.Revoked += ForgetHere;
    }

    /// <remarks>A cached credential is answered without an await: this runs for every request.</remarks>
    public ValueTask<Resolution> ResolveAsync(HttpRequest request)
    {
        var context = request.HttpContext;
        if (TryResolveCached(context, out var resolution))
        {
            return new(resolution);
        }

        return LookUpAsync(context);
    }

    /// <summary>
    /// The request's resolution when it needs no database look-up: already resolved for this request, no usable
    /// credential, the admin token, or a credential either cache knows. False means only the database can tell.
    /// </summary>
    public bool TryResolveCached(HttpContext context, out Resolution resolution)
    {
        var resolved = context.Features.Get<ResolvedCredential>() ?? Cached(context);
        resolution = resolved?.Resolution ?? default;
        return resolved is not null;
    }

    private ResolvedCredential? Cached(HttpContext context)
    {
        var presented = PresentedCredential.Of(context);
        ResolvedCredential? resolved;
        if (presented.BearerHash is { } hash && _adminToken.Matches(hash))
        {
            resolved = ResolvedCredential.Operator;
        }
        else if (CacheKeyOf(presented) is not { } key)
        {
            resolved = presented.HasAuthorization ? ResolvedCredential.NotBearer : ResolvedCredential.Missing;
        }
        else if (!_known.TryGetValue(key, out resolved))
        {
            resolved = _unknown.Contains(DigestOf(presented)) ? ResolvedCredential.UnknownAs(presented) : null;
        }

        if (resolved is not null)
        {
            context.Features.Set(resolved);
        }

        return resolved;
    }

    /// <summary>
    /// Whether the request's credential (one that needs a look-up) was found valid on this gateway lately. Such a
    /// credential is still looked up when its cache entry has expired though its client address is over its limit of
    /// failed authentications, so that a client keeps working with its own token while a neighbour behind the same
    /// address floods; a guess cannot be in this set, and a revoked credential leaves it at its next look-up.
    /// </summary>
    public bool WasRecentlyValid(HttpContext context)
    {
        var presented = PresentedCredential.Of(context);
        return CacheKeyOf(presented) is not null && _recentlyValid.Contains(DigestOf(presented));
    }

    /// <summary>Whether the request's credential was looked up (or would be) and named nothing: a failed authentication.</summary>
    public static bool IsUnknownCredential(HttpContext context) =>
        context.Features.Get<ResolvedCredential>() is { Resolution: { Principal: null, Failure: not null } }
        && CacheKeyOf(PresentedCredential.Of(context)) is not null;

    /// <summary>
    /// Forgets every cached look-up, on this node at once and on every other gateway through the cluster's
    /// revocation hub: call it after any change that revokes a credential (a token, key or service removed, a token
    /// replaced, a service's grants narrowed).
    /// </summary>
    public void Forget() => _revocations.Publish(Revocation.Credentials);

    /// <summary>As <see cref="Forget()"/>, after an account was deleted: every gateway also stops taking the account for existing.</summary>
    public void Forget(Guid deletedAccountId) => _revocations.Publish(new Revocation(deletedAccountId));

    public void Dispose()
    {
        _revocations.Revoked -= ForgetHere;
        _known.Dispose();
    }

    private void ForgetHere(Revocation revocation)
    {
        Interlocked.Increment(ref _generation);
        _known.Clear();
        _unknown.Clear();
    }

    /// <summary>
    /// The key a credential that needs a look-up is cached under, null for any other (none, the admin token's
    /// bearer, a header that is not a bearer token). A token's is its rate-limit partition, <c>t:</c> and the hex
    /// of its hash; a key's is the email with the key's hash.
    /// </summary>
    private static string? CacheKeyOf(PresentedCredential presented)
    {
        if (presented.HasAuthorization)
        {
            return presented.BearerHash is null ? null : presented.Partition;
        }

        return presented is { Email.Length: > 0, KeyHash: { } keyHash }
            ? $"k:{presented.Email.Trim().ToLowerInvariant()}:{Convert.ToHexString(keyHash)}"
            : null;
    }

    /// <summary>A token's digest is the first half of its hash; a key's, of a hash over its email and key.</summary>
    private static UInt128 DigestOf(PresentedCredential presented)
    {
        if (presented.BearerHash is { } bearer)
        {
            return BinaryPrimitives.ReadUInt128LittleEndian(bearer);
        }

        var email = Encoding.UTF8.GetBytes(presented.Email.Trim().ToLowerInvariant());
        var both = new byte[presented.KeyHash!.Length + email.Length];
        presented.KeyHash.CopyTo(both, 0);
        email.CopyTo(both, presented.KeyHash.Length);
        return BinaryPrimitives.ReadUInt128LittleEndian(SHA256.HashData(both));
    }

    private async ValueTask<Resolution> LookUpAsync(HttpContext context)
    {
        var presented = PresentedCredential.Of(context);
        var key = CacheKeyOf(presented)!;
        var generation = Interlocked.Read(ref _generation);
        var ct = context.RequestAborted;
        Principal? principal;
        if (presented.BearerHash is { } hash)
        {
            principal = await _credentials.FindTokenAsync(hash, ct) is { } token
                ? new AccountTokenPrincipal(token.AccountId, token.Permission, token.TokenId)
                : await _services.FindByTokenAsync(hash, ct) is { } service ? new ServicePrincipal(service.Name, service.Scopes, service.Grants) : null;
        }
        else
        {
            principal = await _credentials.FindKeyAsync(presented.Email, presented.KeyHash!, ct) is { } match
                ? new AccountKeyPrincipal(match.Email, match.AccountIds)
                : null;
        }

        _metrics.CredentialLookedUp(principal is not null);
        var resolved = principal is null ? ResolvedCredential.UnknownAs(presented) : new ResolvedCredential(new Resolution(principal, null));
        Remember(key, presented, resolved, generation);
        context.Features.Set(resolved);
        return resolved.Resolution;
    }

    private void Remember(string key, PresentedCredential presented, ResolvedCredential resolved, long generation)
    {
        if (Interlocked.Read(ref _generation) != generation)
        {
            return; // a revocation came while the database was asked: what it answered may be what was revoked
        }

        var digest = DigestOf(presented);
        if (resolved.Resolution.Principal is null)
        {
            _unknown.Add(digest);
            _recentlyValid.Remove(digest);
            return;
        }

        _recentlyValid.Add(digest);
        if (_options.Value.CredentialCacheDuration > TimeSpan.Zero)
        {
            _known.Set(key, resolved, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = _options.Value.CredentialCacheDuration });
        }
    }

    /// <summary>
    /// A resolution kept in the request's features, so no later step looks the credential up again; the cache holds
    /// these, so a cached credential costs no allocation of its own.
    /// </summary>
    private sealed class ResolvedCredential(Resolution resolution)
    {
        public static readonly ResolvedCredential Missing = new(new Resolution(null, GatewayErrors.MissingCredentials()));
        public static readonly ResolvedCredential NotBearer = new(new Resolution(null, GatewayErrors.NotABearerToken()));
        public static readonly ResolvedCredential Operator = new(new Resolution(OperatorPrincipal.Instance, null));
        private static readonly ResolvedCredential UnknownToken = new(new Resolution(null, GatewayErrors.UnknownToken()));
        private static readonly ResolvedCredential UnknownKey = new(new Resolution(null, GatewayErrors.UnknownKey()));

        public Resolution Resolution { get; } = resolution;

        /// <summary>A credential that was looked up (or is known to be unknown) and named nothing: a token or a key.</summary>
        public static ResolvedCredential UnknownAs(PresentedCredential presented) => presented.BearerHash is null ? UnknownKey : UnknownToken;
    }
}
