using System.Text.Json;
using SecretsStore.Api.Bodies;
using SecretsStore.Api.Wire;

namespace SecretsStore.UnitTests.Security;

/// <summary>
/// Review finding 17: a field sent twice was read as its last copy, while a proxy or filter in front of the service may
/// read the first. A body that can mean two things is refused.
/// </summary>
public sealed class DuplicateFieldTests
{
    [Fact]
    public void AFieldSentTwiceIsRefusedAndPointedAt()
    {
        var error = BodyFields.Of(JsonDocument.Parse("""{"value": "a", "comment": "c", "value": "b"}""").RootElement, "/0", "value", "comment").Error;

        Assert.NotNull(error);
        Assert.Equal((400, 1001), error.Wire);
        Assert.Equal("invalid_json_body: field value appears more than once; send each field once", error.Message);
        Assert.Equal("/0/value", error.Pointer);
    }

    [Fact]
    public void APatchThatNamesItsValueTwiceIsRefusedWithoutEchoingEitherValue()
    {
        var refused = SecretPatchRequest.Parse(JsonDocument.Parse("""{"value": "first-guess", "value": "second-guess"}""").RootElement);

        Assert.False(refused.Succeeded);
        Assert.DoesNotContain("guess", refused.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EachFieldOnceIsAccepted() =>
        Assert.Null(BodyFields.Of(JsonDocument.Parse("""{"value": "a", "comment": "c"}""").RootElement, "", "value", "comment").Error);
}
