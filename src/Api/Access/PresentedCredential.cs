using System.Security.Cryptography;
using System.Text;

namespace SecretsStore.Api.Access;

/// <summary>
/// The credential a request presents, hashed once: the rate limiter keys its partition on the digest and the
/// principal resolver looks the credential up by it. Hashing it in each place cost two SHA-256 runs per request.
/// Only digests are kept, as before; the token and key stay in their headers.
/// </summary>
public sealed class PresentedCredential
{
    private const string BearerScheme = "Bearer ";

    private PresentedCredential(bool hasAuthorization, string email, byte[]? bearerHash, byte[]? keyHash, string? partition)
    {
        HasAuthorization = hasAuthorization;
        Email = email;
        BearerHash = bearerHash;
        KeyHash = keyHash;
        Partition = partition;
    }

    /// <summary>An Authorization header was sent: it is the credential, whatever else is.</summary>
    public bool HasAuthorization { get; }

    /// <summary>X-Auth-Email, or empty.</summary>
    public string Email { get; }

    /// <summary>SHA-256 of the bearer token; null unless Authorization carries one.</summary>
    public byte[]? BearerHash { get; }

    /// <summary>SHA-256 of X-Auth-Key; null when there is none or when Authorization is sent (it wins).</summary>
    public byte[]? KeyHash { get; }

    /// <summary>
    /// The credential's rate-limit partition, which names it without holding it: <c>t:</c> and the hex of
    /// <see cref="BearerHash"/> (also the resolver's cache key), <c>k:</c> and the hex of <see cref="KeyHash"/>,
    /// for any other Authorization header <c>c:</c> and a digest of both headers; null when neither is sent.
    /// </summary>
    public string? Partition { get; }

    public static PresentedCredential Of(HttpContext context)
    {
        if (context.Features.Get<PresentedCredential>() is { } known)
        {
            return known;
        }

        var presented = Read(context.Request);
        context.Features.Set(presented);
        return presented;
    }

    private static PresentedCredential Read(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        var email = request.Headers["X-Auth-Email"].ToString();
        var key = request.Headers["X-Auth-Key"].ToString();
        if (authorization.StartsWith(BearerScheme, StringComparison.OrdinalIgnoreCase))
        {
            var hash = TokenHasher.Hash(authorization.AsSpan(BearerScheme.Length).Trim());
            return new PresentedCredential(true, email, hash, null, Hex("t:", hash));
        }

        if (authorization.Length > 0)
        {
            // Not a bearer token: the resolver refuses it, but it is still throttled as the credential it is.
            var digest = SHA256.HashData(Encoding.UTF8.GetBytes(authorization + "|" + key));
            return new PresentedCredential(true, email, null, null, Hex("c:", digest));
        }

        if (key.Length > 0)
        {
            var hash = TokenHasher.Hash(key);
            return new PresentedCredential(false, email, null, hash, Hex("k:", hash));
        }

        return new PresentedCredential(false, email, null, null, null);
    }

    private static string Hex(string prefix, byte[] hash) => string.Create(prefix.Length + (hash.Length * 2), (prefix, hash), static (chars, state) =>
    {
        state.prefix.CopyTo(chars);
        Convert.TryToHexString(state.hash, chars[state.prefix.Length..], out _);
    });
}
