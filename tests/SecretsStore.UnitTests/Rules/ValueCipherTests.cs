using System.Security.Cryptography;
using System.Text;
using SecretsStore.Grains.Crypto;

namespace SecretsStore.UnitTests.Rules;

public sealed class ValueCipherTests
{
    private static readonly byte[] OldKey = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] NewKey = RandomNumberGenerator.GetBytes(32);
    private readonly Guid _account = Guid.NewGuid();
    private readonly Guid _store = Guid.NewGuid();
    private readonly Guid _secret = Guid.NewGuid();

    [Fact]
    public void AValueRoundTripsAndIsNotInItsCiphertext()
    {
        var cipher = new ValueCipher(new MasterKeyRing([OldKey]));
        var (dataKey, _) = cipher.NewDataKey(MasterKeyRing.Fingerprint(OldKey), _account, _store);
        var sealedValue = cipher.Encrypt(dataKey, _account, _store, _secret, "correct horse battery staple");
        Assert.Equal("correct horse battery staple", cipher.Decrypt(dataKey, _account, _store, _secret, sealedValue));
        Assert.DoesNotContain("horse", Encoding.UTF8.GetString(sealedValue));
    }

    [Fact]
    public void ACiphertextMovedToAnotherSecretDoesNotDecrypt()
    {
        var cipher = new ValueCipher(new MasterKeyRing([OldKey]));
        var (dataKey, _) = cipher.NewDataKey(MasterKeyRing.Fingerprint(OldKey), _account, _store);
        var sealedValue = cipher.Encrypt(dataKey, _account, _store, _secret, "v");
        Assert.ThrowsAny<CryptographicException>(() => cipher.Decrypt(dataKey, _account, _store, Guid.NewGuid(), sealedValue));
        Assert.ThrowsAny<CryptographicException>(() => cipher.Decrypt(dataKey, Guid.NewGuid(), _store, _secret, sealedValue));
    }

    [Fact]
    public void ADataKeyWrappedForOneStoreDoesNotUnwrapForAnother()
    {
        var cipher = new ValueCipher(new MasterKeyRing([OldKey]));
        var (_, wrapped) = cipher.NewDataKey(MasterKeyRing.Fingerprint(OldKey), _account, _store);
        Assert.ThrowsAny<CryptographicException>(() => cipher.Unwrap(wrapped, _account, Guid.NewGuid()));
    }

    [Fact]
    public void KeysWrappedUnderAnOlderMasterKeyStillUnwrapAfterANewerOneIsAdded()
    {
        var (dataKey, wrapped) = new ValueCipher(new MasterKeyRing([OldKey])).NewDataKey(MasterKeyRing.Fingerprint(OldKey), _account, _store);
        var rotated = new ValueCipher(new MasterKeyRing([OldKey, NewKey]));
        Assert.Equal(dataKey, rotated.Unwrap(wrapped, _account, _store));
    }

    [Fact]
    public void ARewrappedDataKeyIsTheSameKeyAndOpensWithoutTheOldMasterKey()
    {
        var oldId = MasterKeyRing.Fingerprint(OldKey);
        var newId = MasterKeyRing.Fingerprint(NewKey);
        var (dataKey, wrapped) = new ValueCipher(new MasterKeyRing([OldKey])).NewDataKey(oldId, _account, _store);

        var rewrapped = new ValueCipher(new MasterKeyRing([OldKey, NewKey])).Rewrap(wrapped, newId, _account, _store);

        Assert.Equal(newId, rewrapped.MasterKeyId);
        Assert.Equal(dataKey, new ValueCipher(new MasterKeyRing([NewKey])).Unwrap(rewrapped, _account, _store));
        Assert.ThrowsAny<CryptographicException>(() => new ValueCipher(new MasterKeyRing([NewKey])).Unwrap(wrapped, _account, _store));
    }

    [Fact]
    public void AKeyAddedToTheRingBecomesTheNewestAndAKnownOneStaysWhereItIs()
    {
        var ring = new MasterKeyRing([OldKey]);
        Assert.Equal(MasterKeyRing.Fingerprint(NewKey), ring.Add(NewKey));
        Assert.Equal(MasterKeyRing.Fingerprint(OldKey), ring.Add(OldKey));
        Assert.Equal([MasterKeyRing.Fingerprint(OldKey), MasterKeyRing.Fingerprint(NewKey)], ring.Ids);
        Assert.Equal(MasterKeyRing.Fingerprint(NewKey), ring.NewestId);
    }

    [Fact]
    public void AMasterKeyMustBe32Bytes() =>
        Assert.Throws<ArgumentException>(() => new MasterKeyRing([new byte[16]]));
}
