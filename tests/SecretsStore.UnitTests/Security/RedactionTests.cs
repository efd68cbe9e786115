using System.Security.Cryptography;
using SecretsStore.Api.Bodies;
using SecretsStore.Api.Dtos;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Crypto;
using SecretsStore.Grains.StoreWrites;
using SecretsStore.Persistence.Keys;
using SecretsStore.Persistence.Stores;
using Xunit.Abstractions;

namespace SecretsStore.UnitTests.Security;

/// <summary>
/// Review finding 17: a record's generated ToString prints every member, so a log line, exception message or
/// debugger that formatted a value answer showed the value. Every type that holds a value, a token or a key prints
/// a mask where it is.
/// </summary>
public sealed class RedactionTests(ITestOutputHelper output)
{
    public static TheoryData<Type> Printing() => new(SecretHolders.All().Where(SecretHolders.PrintsMembers));

    [Theory]
    [MemberData(nameof(Printing))]
    public void ATypeHoldingAValueTokenOrKeyPrintsAMaskInItsPlace(Type type)
    {
        var printed = SecretHolders.Build(type).ToString()!;
        output.WriteLine(printed);
        AssertNoCanary(printed, type.Name);
    }

    [Fact]
    public void TheSearchFindsTheTypesKnownToHoldSecrets()
    {
        Type[] known =
        [
            typeof(SecretValue), typeof(RevealedSecret), typeof(NewSecret), typeof(SecretPatch), typeof(SecretValueDto),
            typeof(SecretCreateRequest), typeof(SecretPatchRequest), typeof(CreatedToken), typeof(CreatedKey), typeof(CreatedService),
            typeof(WrappedKey), typeof(WrappedDataKey), typeof(SecretRecord), typeof(StoreKeys), typeof(UnwrappedKey), typeof(ValueCipher),
        ];
        var found = SecretHolders.All().ToList();
        found.ForEach(t => output.WriteLine(t.FullName));
        Assert.Empty(known.Except(found));
    }

    /// <summary>Classes that hold keys print only their names; this keeps it so, with the keys in them unwrapped.</summary>
    [Fact]
    public void KeyHoldersPrintNoKey()
    {
        var master = SecretHolders.CanaryBytes.Concat(RandomNumberGenerator.GetBytes(32 - SecretHolders.CanaryBytes.Length)).ToArray();
        var ring = new MasterKeyRing([master]);
        var cipher = new ValueCipher(ring);
        var (account, store) = (Guid.NewGuid(), Guid.NewGuid());
        var (dataKey, wrapped) = cipher.NewDataKey(ring.NewestId, account, store);
        using var keys = new StoreKeys(cipher, account, store, wrapped);
        keys.Seal(Guid.NewGuid(), new SecretValue(SecretHolders.Canary));
        using var unwrapped = new UnwrappedKey(() => dataKey.ToArray());
        unwrapped.Use(k => k.Length);
        using var snapshot = new StoreSnapshot(store, null, [], keys);

        foreach (var holder in new object[] { ring, cipher, keys, unwrapped, snapshot })
        {
            var printed = holder.ToString()!;
            AssertNoCanary(printed, holder.GetType().Name);
            Assert.DoesNotContain(Convert.ToHexString(dataKey), printed, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToBase64String(dataKey), printed, StringComparison.Ordinal);
        }
    }

    private static void AssertNoCanary(string printed, string what)
    {
        foreach (var form in SecretHolders.CanaryForms())
        {
            Assert.False(printed.Contains(form, StringComparison.Ordinal), $"{what} prints what it holds: {printed}");
        }
    }
}
