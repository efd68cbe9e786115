using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Rules;
using SecretsStore.Grains.StoreWrites;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.UnitTests.Rules;

public sealed class ValueAccessTests
{
    private static readonly StoreRow Managed =
        new(Guid.NewGuid(), Guid.NewGuid(), "store", "deployer", DateTime.UnixEpoch, DateTime.UnixEpoch, null, Deleted: false, Version: 1);

    private static SecretRecord Secret(params string[] scopes) =>
        new(Guid.NewGuid(), "A", DateTime.UnixEpoch, DateTime.UnixEpoch, null, scopes, []);

    [Fact]
    public void OnlyServicesReadValues()
    {
        Assert.Null(ValueAccess.CheckReader(Caller.Service("deployer", null, AccountGrants.All)));
        Assert.Equal(Errors.ValueReadNeedsService(), ValueAccess.CheckReader(Caller.Account(Permission.Write, "token:w")));
        Assert.Equal(Errors.ValueReadNeedsService(), ValueAccess.CheckReader(Caller.Operator));
    }

    [Fact]
    public void AServiceReadsTheValuesOfItsOwnStoreAndOfScopesItConsumes()
    {
        Assert.True(ValueAccess.MayRead(Managed, Secret("dex"), Caller.Service("deployer", null, AccountGrants.All)));
        Assert.True(ValueAccess.MayRead(Managed, Secret("dex", "workers"), Caller.Service("worker", ["workers"], AccountGrants.All)));
        Assert.False(ValueAccess.MayRead(Managed, Secret("dex"), Caller.Service("worker", ["workers"], AccountGrants.All)));
        Assert.False(ValueAccess.MayRead(Managed, Secret("workers"), Caller.Account(Permission.Write, "token:w")));
    }
}
