using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Rules;

namespace SecretsStore.UnitTests.Rules;

public sealed class SecretRulesTests
{
    private readonly SecretRules _rules = new(new ScopeSet(ScopeSet.Defaults));

    private static NewSecret Valid(string name = "API_KEY", string value = "v", string[]? scopes = null, string? comment = null) =>
        new(name, new SecretValue(value), scopes ?? ["workers"], comment);

    [Fact]
    public void AValidSecretPasses() => Assert.Null(_rules.ValidateNew(Valid(), "/0"));

    [Theory]
    [InlineData(null, "secret_name_empty")]
    [InlineData("", "secret_name_empty")]
    [InlineData("has space", "secret_name_invalid")]
    [InlineData("dot.name", "secret_name_invalid")]
    [InlineData("ünïcode", "secret_name_invalid")]
    public void BadNamesAreRefusedWithThePointerOfTheName(string? name, string message)
    {
        var error = _rules.ValidateNew(new NewSecret(name, new SecretValue("v"), ["workers"], null), "/3");
        Assert.Equal(message, error!.Token);
        Assert.Equal("/3/name", error.Pointer);
    }

    [Fact]
    public void ANameOf255CharactersIsAllowedAnd256IsNot()
    {
        Assert.Null(_rules.ValidateNew(Valid(new string('a', 255)), ""));
        Assert.Equal("secret_name_invalid", _rules.ValidateNew(Valid(new string('a', 256)), "")!.Token);
    }

    [Fact]
    public void ValuesAreMeasuredInUtf8Bytes()
    {
        Assert.Null(_rules.ValidateNew(Valid(value: new string('x', 65_536)), ""));
        Assert.Equal("secret_value_too_long", _rules.ValidateNew(Valid(value: new string('x', 65_537)), "")!.Token);
        // 'é' is two bytes: 32,769 of them are 65,538 bytes though only 32,769 characters.
        Assert.Equal("secret_value_too_long", _rules.ValidateNew(Valid(value: new string('é', 32_769)), "")!.Token);
    }

    [Fact]
    public void AnEmptyValueIsRefused() =>
        Assert.Equal("secret_value_empty", _rules.ValidateNew(new NewSecret("a", null, ["workers"], null), "")!.Token);

    [Fact]
    public void ScopesMustBeNonEmptyAndKnown()
    {
        Assert.Equal("secret_scopes_empty", _rules.ValidateNew(Valid(scopes: []), "")!.Token);
        var unknown = _rules.ValidateNew(Valid(scopes: ["workers", "nope"]), "/0")!;
        Assert.StartsWith("secret_scope_invalid: nope; valid scopes are workers, ai_gateway", unknown.Message, StringComparison.Ordinal);
        Assert.Equal("/0/scopes/1", unknown.Pointer);
    }

    [Fact]
    public void CommentsUpTo1024CharactersAreAllowed()
    {
        Assert.Null(_rules.ValidateNew(Valid(comment: new string('c', 1024)), ""));
        Assert.Equal("secret_comment_too_long", _rules.ValidateNew(Valid(comment: new string('c', 1025)), "")!.Token);
    }

    [Fact]
    public void APatchThatRenamesIsRefusedButRepeatingTheNameIsFine()
    {
        Assert.Equal("secret_name_immutable", _rules.ValidatePatch(new SecretPatch("other", null, null, false, null), "mine")!.Token);
        Assert.Null(_rules.ValidatePatch(new SecretPatch("mine", null, null, false, null), "mine"));
    }

    [Fact]
    public void CanonicalScopesAreSortedWithoutDuplicates() =>
        Assert.Equal(["access", "dex", "workers"], ScopeSet.Canonical(["workers", "dex", "access", "dex"]));

    [Fact]
    public void SecretValuesPrintAsAMask() =>
        Assert.DoesNotContain("hunter2", new NewSecret("a", new SecretValue("hunter2"), ["workers"], null).ToString());
}
