using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using SecretsStore.Api.Dtos;
using SecretsStore.Api.Wire;
using SecretsStore.Grains.Abstractions;

namespace SecretsStore.UnitTests.Wire;

/// <summary>A handler's answer type documents what it writes, and a refusal becomes that type without changing the wire.</summary>
public sealed class AnswerTests
{
    private static readonly int[] AccessErrors = [400, 401, 403, 429, 500, 503];

    private static List<(int Status, Type? Type)> Documented(Action<MethodInfo, EndpointBuilder> populate)
    {
        var builder = new RouteEndpointBuilder(null, RoutePatternFactory.Parse("/"), 0);
        populate(typeof(AnswerTests).GetMethod(nameof(Documented), BindingFlags.NonPublic | BindingFlags.Static)!, builder);
        return builder.Metadata.OfType<ProducesResponseTypeMetadata>().Select(m => (m.StatusCode, m.Type)).ToList();
    }

    private static List<(int, Type?)> Expected(int status, Type success) =>
        [(status, success), .. AccessErrors.Select(error => (error, (Type?)typeof(ErrorEnvelope)))];

    [Fact]
    public void EachAnswerDocumentsItsSuccessThenTheErrorsOfEveryAuthenticatedRoute()
    {
        Assert.Equal(Expected(200, typeof(Envelope<SecretDto>)), Documented(Answer<SecretDto>.PopulateMetadata));
        Assert.Equal(Expected(200, typeof(ListEnvelope<SecretDto>)), Documented(ListAnswer<SecretDto>.PopulateMetadata));
        Assert.Equal(Expected(202, typeof(Envelope<object>)), Documented(AcceptedAnswer.PopulateMetadata));
    }

    [Fact]
    public async Task ARefusalBecomesTheAnswerWithItsOwnStatusCodeAndMessage()
    {
        Answer<SecretDto> answer = Errors.SecretNotFound();
        Assert.Equal(404, answer.StatusCode);
        Assert.Equal(Errors.SecretNotFound(), answer.Refusal);
        Assert.False(answer.RecordedByGrain);

        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        await answer.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        Assert.Equal(
            """{"success":false,"errors":[{"code":1001,"message":"secret_not_found"}],"messages":[],"result":null}""",
            await new StreamReader(context.Response.Body).ReadToEndAsync());
    }
}
