using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Rules;
using SecretsStore.Grains.StoreWrites;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.UnitTests.Rules;

public sealed class StoreAccessTests
{
    private static readonly Guid AccountId = Guid.NewGuid();
    private static readonly Caller Writer = Caller.Account(Permission.Write, "token:w");
    private static readonly Caller Reader = Caller.Account(Permission.Read, "token:r");
    private static readonly Caller Deployer = Caller.Service("deployer", null, AccountGrants.All);

    private static StoreRow Row(string? managedBy = null, Guid? accountId = null) =>
        new(Guid.NewGuid(), accountId ?? AccountId, "store", managedBy, DateTime.UnixEpoch, DateTime.UnixEpoch, null, Deleted: false, Version: 1);

    [Fact]
    public void AReadCallerIsRefusedAnyChangeWithForbidden()
    {
        Assert.Null(StoreAccess.CheckPermission(Writer));
        Assert.Null(StoreAccess.CheckPermission(Deployer));
        Assert.Equal(ErrorKind.Forbidden, StoreAccess.CheckPermission(Reader)!.Kind);
    }

    [Fact]
    public void AccountPrincipalsAndTheOperatorSeeEveryStoreAndAServiceOnlyItsOwn()
    {
        Assert.True(StoreAccess.Sees(Reader, managedBy: null));
        Assert.True(StoreAccess.Sees(Reader, "deployer"));
        Assert.True(StoreAccess.Sees(Caller.Operator, "deployer"));
        Assert.True(StoreAccess.Sees(Deployer, "deployer"));
        Assert.False(StoreAccess.Sees(Deployer, "other"));
        Assert.False(StoreAccess.Sees(Deployer, managedBy: null));
    }

    [Fact]
    public void AVisibleStoreIsLiveInTheCallersAccountAndSeenByTheCaller()
    {
        Assert.Null(StoreAccess.CheckVisible(Row(), live: true, Writer, AccountId));
        Assert.Null(StoreAccess.CheckVisible(Row("deployer"), live: true, Deployer, AccountId));
    }

    [Fact]
    public void AMissingDeletedForeignOrUnseenStoreIsNotFoundAlike()
    {
        var refusals = new[]
        {
            StoreAccess.CheckVisible(null, live: false, Writer, AccountId),
            StoreAccess.CheckVisible(Row(), live: false, Writer, AccountId),
            StoreAccess.CheckVisible(Row(accountId: Guid.NewGuid()), live: true, Writer, AccountId),
            StoreAccess.CheckVisible(Row("other"), live: true, Deployer, AccountId),
            StoreAccess.CheckVisible(Row(), live: true, Deployer, AccountId),
        };

        Assert.All(refusals, refusal => Assert.Equal(Errors.StoreNotFound(), refusal));
    }

    [Fact]
    public void AccountPrincipalsMayNotChangeAStoreAServiceManages()
    {
        Assert.Equal(Errors.StoreManagedByService(), StoreAccess.CheckOwnership(Row("deployer"), Writer));
        Assert.Null(StoreAccess.CheckOwnership(Row(), Writer));
        Assert.Null(StoreAccess.CheckOwnership(Row("deployer"), Deployer));
    }
}
