using System.Security.Cryptography;

namespace SecretsStore.Tests.Security;

/// <summary>What an attacker sends: a well-formed bearer token (32 random bytes, base64url) that names nothing.</summary>
public static class GuessedTokens
{
    public static string New() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
