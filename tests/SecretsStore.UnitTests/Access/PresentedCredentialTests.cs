using Microsoft.AspNetCore.Http;
using SecretsStore.Api.Access;
using SecretsStore.Persistence.Access;

namespace SecretsStore.UnitTests.Access;

/// <summary>A request's credential is hashed once and named by its digest, never by itself.</summary>
public sealed class PresentedCredentialTests
{
    private static HttpContext Request(string? authorization = null, string? email = null, string? key = null)
    {
        var context = new DefaultHttpContext();
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        if (email is not null)
        {
            context.Request.Headers["X-Auth-Email"] = email;
        }

        if (key is not null)
        {
            context.Request.Headers["X-Auth-Key"] = key;
        }

        return context;
    }

    [Fact]
    public void ABearerTokenIsNamedByTheHexOfItsHash()
    {
        var presented = PresentedCredential.Of(Request("Bearer  tok-123 "));
        Assert.Equal(TokenHasher.Hash("tok-123"), presented.BearerHash);
        Assert.Equal("t:" + Convert.ToHexString(TokenHasher.Hash("tok-123")), presented.Partition);
        Assert.True(presented.HasAuthorization);
        Assert.Null(presented.KeyHash);
    }

    [Fact]
    public void AuthorizationWinsOverAKey()
    {
        var presented = PresentedCredential.Of(Request("bearer tok-123", "a@example.test", "key-1"));
        Assert.Equal(TokenHasher.Hash("tok-123"), presented.BearerHash);
        Assert.Null(presented.KeyHash);
    }

    [Fact]
    public void AKeyIsNamedByItsHash()
    {
        var presented = PresentedCredential.Of(Request(email: "a@example.test", key: "key-1"));
        Assert.False(presented.HasAuthorization);
        Assert.Equal(TokenHasher.Hash("key-1"), presented.KeyHash);
        Assert.Equal("k:" + Convert.ToHexString(TokenHasher.Hash("key-1")), presented.Partition);
        Assert.Equal("a@example.test", presented.Email);
    }

    [Fact]
    public void AnotherSchemeIsThrottledByADigestButResolvesToNothing()
    {
        var presented = PresentedCredential.Of(Request("Basic b3A6cGFzcw=="));
        Assert.True(presented.HasAuthorization);
        Assert.Null(presented.BearerHash);
        Assert.StartsWith("c:", presented.Partition);
        Assert.DoesNotContain("b3A6", presented.Partition);
    }

    [Fact]
    public void NoCredentialHasNoPartition() => Assert.Null(PresentedCredential.Of(Request(email: "a@example.test")).Partition);

    [Fact]
    public void ARequestIsReadOnce()
    {
        var context = Request("Bearer tok-123");
        Assert.Same(PresentedCredential.Of(context), PresentedCredential.Of(context));
    }

    [Fact]
    public void LongTokensHashAsShortOnesDo()
    {
        var token = new string('é', 1000);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)), TokenHasher.Hash(token));
    }
}
