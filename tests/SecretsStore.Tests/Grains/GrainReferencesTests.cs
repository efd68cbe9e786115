using SecretsStore.Api.Endpoints;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Grains;

/// <summary>The gateway's shortcut to grain references makes the same references the grain factory makes.</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class GrainReferencesTests(GrainClusterFixture fixture)
{
    private static void AssertSame(IAddressable expected, IAddressable actual)
    {
        var (e, a) = ((GrainReference)expected, (GrainReference)actual);
        Assert.Equal(e.GrainId, a.GrainId);
        Assert.Equal(e.InterfaceType, a.InterfaceType);
        Assert.Equal(e.GetType(), a.GetType());
    }

    [Fact]
    public void StoreAndAccountReferencesMatchTheFactorys()
    {
        var id = Guid.NewGuid();
        AssertSame(fixture.Grains.GetGrain<IStoreGrain>(id), fixture.Grains.StoreGrain(id));
        AssertSame(fixture.Grains.GetGrain<IAccountGrain>(id), fixture.Grains.AccountGrain(id));
    }

    /// <summary>Grain ids carry the type: a rename of the grain class must not change it (see AccountGrain).</summary>
    [Fact]
    public void TheAccountGrainKeepsItsGrainType() =>
        Assert.Equal("accountquota", fixture.Grains.GetGrain<IAccountGrain>(Guid.NewGuid()).GetGrainId().Type.ToString());

    [Fact]
    public async Task AReferenceMadeThisWayReachesTheGrain()
    {
        var account = await fixture.NewAccountAsync();
        var created = await fixture.Grains.AccountGrain(account)
            .CreateStoreAsync(Caller.Account(Permission.Write, "token:refs"), $"s{Guid.NewGuid():N}");
        Assert.True(created.Succeeded);
        var store = await fixture.Grains.StoreGrain(created.Value!.Id).GetAsync(Caller.Account(Permission.Read, "token:refs"), account);
        Assert.True(store.Succeeded);
    }
}
