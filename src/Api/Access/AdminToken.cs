using Microsoft.Extensions.Options;

namespace SecretsStore.Api.Access;

/// <summary>
/// The operator's admin token (<c>SecretsStore:AdminToken</c>) and the one check of it: everything that admits the
/// operator asks this, the API through <see cref="PrincipalResolver"/> and the host's operator pages (dashboard,
/// metrics) with the token they parse from their own headers. Compared by hash in fixed time; when no token is
/// configured it matches nothing.
/// </summary>
public sealed class AdminToken(IOptions<ApiOptions> options)
{
    /// <summary>
    /// The shortest admin token a start accepts: it opens every admin route, so it must be as hard to guess as the
    /// tokens it makes (32 random bytes print as 43 characters of base64url or 64 of hex; a passphrase needs as many).
    /// </summary>
    public const int MinimumLength = 32;

    /// <summary>Why a configured admin token is refused at start, or null when it may be used.</summary>
    public static string? Problem(string? token) => token is { Length: > 0 and < MinimumLength }
        ? $"SecretsStore:AdminToken must be at least {MinimumLength} characters (e.g. openssl rand -hex 32): it opens every admin route."
        : null;

    private readonly byte[]? _hash = string.IsNullOrEmpty(options.Value.AdminToken) ? null : TokenHasher.Hash(options.Value.AdminToken);

    /// <summary>The check for a token the host holds outside the API's options (a silo without the API has none).</summary>
    public static AdminToken Of(string? token) => new(Options.Create(new ApiOptions { AdminToken = token }));

    public bool Matches(byte[] presentedHash) => _hash is not null && TokenHasher.FixedTimeEquals(presentedHash, _hash);

    public bool Matches(string presented) => _hash is not null && Matches(TokenHasher.Hash(presented));
}
