using System.Text;
using SecretsStore.Api.Idempotency;

namespace SecretsStore.UnitTests.Idempotency;

/// <summary>
/// The hashes a keyed write is known by: a key is its principal's own, and a reuse of it matches only the same method,
/// path (with its query) and body.
/// </summary>
public sealed class IdempotencyFingerprintTests
{
    private static string Hex(byte[] hash) => Convert.ToHexString(hash);

    private static string Request(string method, string path, string body, string principal = "token:a", string key = "k1") =>
        Hex(IdempotencyFingerprint.RequestHash(principal, key, method, path, Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void TheSameKeyOfTheSamePrincipalHashesTheSame() =>
        Assert.Equal(Hex(IdempotencyFingerprint.KeyHash("token:a", "k1")), Hex(IdempotencyFingerprint.KeyHash("token:a", "k1")));

    [Fact]
    public void AnotherPrincipalsSameKeyIsAnotherKey() =>
        Assert.NotEqual(Hex(IdempotencyFingerprint.KeyHash("token:a", "k1")), Hex(IdempotencyFingerprint.KeyHash("token:b", "k1")));

    [Fact]
    public void PrincipalAndKeyDoNotRunTogether() =>
        // Without a separator "token:a" + "bk" and "token:ab" + "k" would be the same text.
        Assert.NotEqual(Hex(IdempotencyFingerprint.KeyHash("token:a", "bk")), Hex(IdempotencyFingerprint.KeyHash("token:ab", "k")));

    [Fact]
    public void TheKeyHashHoldsNothingOfTheKey() =>
        Assert.Equal(32, IdempotencyFingerprint.KeyHash("token:a", new string('k', 255)).Length);

    [Fact]
    public void TheRequestsHashDependsOnTheKeySoTheDatabaseCannotTestGuessesOfABody()
    {
        // Anyone can compute a plain SHA-256 of a guessed body; the request hash needs the Idempotency-Key too.
        var body = "[{\"name\":\"N\",\"value\":\"guessable\",\"scopes\":[\"workers\"]}]";
        Assert.NotEqual(Request("POST", "/a/s", body), Request("POST", "/a/s", body, key: "k2"));
        Assert.NotEqual(Request("POST", "/a/s", body), Request("POST", "/a/s", body, principal: "token:b"));
        Assert.NotEqual(Request("POST", "/a/s", body), Hex(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes($"POST\0/a/s\0{body}"))));
    }

    [Fact]
    public void TheSameRequestHashesTheSameWhateverTheMethodsCase() =>
        Assert.Equal(Request("POST", "/a/stores", "{\"name\":\"x\"}"), Request("post", "/a/stores", "{\"name\":\"x\"}"));

    [Theory]
    [InlineData("PATCH", "/a/stores", "{\"name\":\"x\"}")]
    [InlineData("POST", "/a/stores/s", "{\"name\":\"x\"}")]
    [InlineData("POST", "/a/stores?force=true", "{\"name\":\"x\"}")]
    [InlineData("POST", "/a/stores", "{\"name\":\"y\"}")]
    [InlineData("POST", "/a/stores", "{\"name\": \"x\"}")]
    public void AnotherMethodPathQueryOrBodyIsAnotherRequest(string method, string path, string body) =>
        Assert.NotEqual(Request("POST", "/a/stores", "{\"name\":\"x\"}"), Request(method, path, body));
}
