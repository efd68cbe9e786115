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
    private readonly byte[]? _hash = string.IsNullOrEmpty(options.Value.AdminToken) ? null : TokenHasher.Hash(options.Value.AdminToken);

    /// <summary>The check for a token the host holds outside the API's options (a silo without the API has none).</summary>
    public static AdminToken Of(string? token) => new(Options.Create(new ApiOptions { AdminToken = token }));

    public bool Matches(byte[] presentedHash) => _hash is not null && TokenHasher.FixedTimeEquals(presentedHash, _hash);

    public bool Matches(string presented) => _hash is not null && Matches(TokenHasher.Hash(presented));
}
