using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Security;

/// <summary>
/// The grant a gateway hands the grains travels with the caller to whichever silo holds the store: through both
/// gateways of two silos, one of the two calls crosses to the other silo.
/// </summary>
[Collection(TwoSiloCollection.Name)]
public sealed class GrantAcrossSilosTests(TwoSiloFixture silos)
{
    [Fact]
    public async Task AGrantedServiceReadsThroughEitherSiloAndAnUngrantedOneThroughNeither()
    {
        var (account, elsewhere) = (await silos.NewAccountAsync(), await silos.NewAccountAsync());
        var store = await silos.A.CreateStoreAsync(account);
        var secret = (await silos.A.CreateSecretAsync(account, store, "SHARED", "across-silos")).GetProperty("id").GetString();
        var granted = await silos.NewServiceAsync(["workers"], [account.Id]);
        var ungranted = await silos.NewServiceAsync(["workers"], [elsewhere.Id]);
        var value = $"{TestService.Base(account.Id)}/stores/{store}/secrets/{secret}/value";

        foreach (var node in new[] { silos.A, silos.B })
        {
            Assert.Equal("across-silos", (await node.GetAsync(value, granted.Token)).Result.GetProperty("value").GetString());
            var refused = await node.GetAsync(value, ungranted.Token);
            Assert.Equal((404, "account_not_found"), (refused.Status, refused.ErrorMessage));
        }
    }
}
