using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Rules;

namespace SecretsStore.UnitTests.Rules;

public sealed class NameRulesTests
{
    [Theory]
    [InlineData(null, "store_name_empty")]
    [InlineData("", "store_name_empty")]
    [InlineData("has space", "store_name_invalid")]
    [InlineData("dot.name", "store_name_invalid")]
    public void BadStoreNamesAreRefusedWithThePointerGiven(string? name, string token)
    {
        var error = NameRules.ValidateStoreName(name, "/name");
        Assert.Equal((token, "/name", ErrorKind.Validation), (error!.Token, error.Pointer, error.Kind));
    }

    [Fact]
    public void AStoreNameOfLettersDigitsUnderscoresAndDashesPasses() =>
        Assert.Null(NameRules.ValidateStoreName("prod_Store-1", "/name"));

    [Fact]
    public void TheFirstNameTakenOrRepeatedInTheBatchIsTheConflict()
    {
        var taken = NameRules.FirstTaken(["A", "B", "C"], name => name == "B", i => $"/{i}/name");
        Assert.Equal(Errors.SecretNameAlreadyExists("B", "/1/name"), taken);

        var repeated = NameRules.FirstTaken(["A", "B", "A"], _ => false, i => $"/{i}/name");
        Assert.Equal(Errors.SecretNameAlreadyExists("A", "/2/name"), repeated);

        Assert.Null(NameRules.FirstTaken(["A", "B"], _ => false, i => $"/{i}/name"));
    }
}
