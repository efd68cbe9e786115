using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Rules;
using SecretsStore.Grains.StoreWrites;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.UnitTests.Security;

/// <summary>
/// Review finding 3, in the grains' own rules: a service's scopes and its stores count only in the accounts it is
/// granted, and a service caller that carries no grant acts nowhere.
/// </summary>
public sealed class ServiceGrantRulesTests
{
    private static readonly Guid Tenant = Guid.NewGuid();

    private static readonly StoreRow OwnStore =
        new(Guid.NewGuid(), Tenant, "store", "reader", DateTime.UnixEpoch, DateTime.UnixEpoch, null, Deleted: false, Version: 1);

    private static readonly SecretRecord Scoped = new(Guid.NewGuid(), "A", DateTime.UnixEpoch, DateTime.UnixEpoch, null, ["workers"], []);

    private static Caller Reader(AccountGrants grants) => Caller.Service("reader", ["workers"], grants);

    [Fact]
    public void NeitherScopesNorManagingTheStoreReadAValueInAnAccountNotGranted()
    {
        Assert.True(ValueAccess.MayRead(OwnStore, Scoped, Reader(AccountGrants.Only(Tenant))));
        Assert.True(ValueAccess.MayRead(OwnStore, Scoped, Reader(AccountGrants.All)));
        Assert.False(ValueAccess.MayRead(OwnStore, Scoped, Reader(AccountGrants.Only(Guid.NewGuid()))));
        Assert.False(ValueAccess.MayRead(OwnStore, Scoped, Reader(AccountGrants.None)));
    }

    [Fact]
    public void AnAccountNotGrantedIsNotFoundBeforeAnyStoreIs()
    {
        var elsewhere = Reader(AccountGrants.Only(Guid.NewGuid()));
        Assert.Equal(Errors.AccountNotFound(), StoreAccess.CheckAccount(elsewhere, Tenant));
        Assert.Equal(Errors.AccountNotFound(), StoreAccess.CheckVisible(OwnStore, live: true, elsewhere, Tenant));
        Assert.Equal(Errors.AccountNotFound(), StoreAccess.CheckReachable(null, live: false, elsewhere, Tenant));
        Assert.Null(StoreAccess.CheckVisible(OwnStore, live: true, Reader(AccountGrants.Only(Tenant)), Tenant));
    }

    [Fact]
    public void OnlyServicesAreBoundByGrants()
    {
        Assert.True(Caller.Account(Permission.Write, "token:w").ActsIn(Tenant));
        Assert.True(Caller.Operator.ActsIn(Tenant));
        Assert.False(Caller.Service("reader", null, AccountGrants.None).ActsIn(Tenant));
    }
}
