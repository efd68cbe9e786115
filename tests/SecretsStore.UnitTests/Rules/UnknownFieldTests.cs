using System.Text.Json;
using SecretsStore.Api.Wire;

namespace SecretsStore.UnitTests.Rules;

/// <summary>How a field a body does not have is refused: named, pointed at, and matched to the field it was probably meant to be.</summary>
public sealed class UnknownFieldTests
{
    private static string? Refusal(string json, params string[] known) =>
        BodyFields.Of(JsonDocument.Parse(json).RootElement, "/2", known).Error?.Message;

    [Theory]
    [InlineData("coment", "comment")]
    [InlineData("commnet", "comment")]
    [InlineData("Comment", "comment")]
    [InlineData("scope", "scopes")]
    [InlineData("vlaue", "value")]
    public void AMisspellingSuggestsTheFieldItWasMeantToBe(string typed, string meant) =>
        Assert.Contains($"unknown field {typed} (did you mean {meant}?)", Refusal($"{{\"{typed}\": 1}}", "name", "value", "scopes", "comment"));

    [Fact]
    public void AFieldLikeNoneSuggestsNothingButListsTheFields()
    {
        var message = Refusal("{\"name\": \"a\", \"colour\": 1}", "name", "value", "scopes", "comment")!;
        Assert.Equal("invalid_json_body: unknown field colour; this body takes name, value, scopes, comment", message);
    }

    [Fact]
    public void ThePointerEscapesTheNameAndALongNameIsCut()
    {
        var error = BodyFields.Of(JsonDocument.Parse("{\"a/b~c\": 1}").RootElement, "/2", "name").Error!;
        Assert.Equal("/2/a~1b~0c", error.Pointer);

        var longName = new string('x', 500);
        var cut = Refusal($"{{\"{longName}\": 1}}", "name")!;
        Assert.DoesNotContain(longName, cut);
        Assert.Contains(new string('x', 64) + "…", cut);
    }

    [Fact]
    public void KnownFieldsPass() => Assert.Null(Refusal("{\"name\": \"a\", \"comment\": null}", "name", "comment"));
}
