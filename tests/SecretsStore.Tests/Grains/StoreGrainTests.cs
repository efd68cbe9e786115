using SecretsStore.Grains.Abstractions;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Grains;

/// <summary>The grains guard their stores themselves: a caller that skips the gateway gets no further.</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class StoreGrainTests(GrainClusterFixture fixture)
{
    private static readonly Caller Writer = Caller.Account(Permission.Write, "token:test-writer");
    private static readonly Caller Reader = Caller.Account(Permission.Read, "token:test-reader");

    private IAccountGrain Account(Guid id) => fixture.Grains.GetGrain<IAccountGrain>(id);
    private IStoreGrain Store(Guid id) => fixture.Grains.GetGrain<IStoreGrain>(id);

    private static NewSecret Secret(string name, string value = "v") => new(name, new SecretValue(value), ["workers"], null);

    private async Task<(Guid Account, Guid Store)> NewStoreAsync(Caller? caller = null)
    {
        var account = await fixture.NewAccountAsync();
        var store = await Account(account).CreateStoreAsync(caller ?? Writer, $"s{Guid.NewGuid():N}");
        Assert.True(store.Succeeded);
        return (account, store.Value!.Id);
    }

    [Fact]
    public async Task AStoreAnswersNotFoundToACallerNamingAnotherAccount()
    {
        var (_, store) = await NewStoreAsync();
        Assert.Equal("store_not_found", (await Store(store).GetAsync(Writer, Guid.NewGuid())).Error!.Message);
        Assert.Equal("store_not_found", (await Store(store).CreateSecretsAsync(Writer, Guid.NewGuid(), [Secret("A")])).Error!.Message);
    }

    [Fact]
    public async Task AReadCallerCannotChangeAStore()
    {
        var (account, store) = await NewStoreAsync();
        var refused = await Store(store).CreateSecretsAsync(Reader, account, [Secret("A")]);
        Assert.Equal(ErrorKind.Forbidden, refused.Error!.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await Account(account).DeleteStoreAsync(Reader, store, force: true)).Error!.Kind);
        Assert.True((await Store(store).ListSecretsAsync(Reader, account, new ListRequest())).Succeeded);
    }

    [Fact]
    public async Task AServiceCannotSeeAStoreItDoesNotManage()
    {
        var (account, store) = await NewStoreAsync();
        var service = Caller.Service("ci", null, AccountGrants.All);
        Assert.Equal("store_not_found", (await Store(store).GetAsync(service, account)).Error!.Message);
        Assert.Equal("store_not_found", (await Store(store).CreateSecretsAsync(service, account, [Secret("A")])).Error!.Message);
    }

    [Fact]
    public async Task AnAccountCallerMayReadButNotChangeAManagedStore()
    {
        var (account, store) = await NewStoreAsync(Caller.Service("deployer", null, AccountGrants.All));
        Assert.Equal("deployer", (await Store(store).GetAsync(Reader, account)).Value!.ManagedBy);
        Assert.Equal(ErrorKind.ManagedByService, (await Store(store).CreateSecretsAsync(Writer, account, [Secret("A")])).Error!.Kind);
        Assert.Equal(ErrorKind.ManagedByService, (await Account(account).DeleteStoreAsync(Writer, store, force: true)).Error!.Kind);
        Assert.True((await Store(store).CreateSecretsAsync(Caller.Service("deployer", null, AccountGrants.All), account, [Secret("A")])).Succeeded);
    }

    [Fact]
    public async Task StateSurvivesDeactivation()
    {
        var (account, store) = await NewStoreAsync();
        var created = await Store(store).CreateSecretsAsync(Writer, account, [Secret("KEPT", "value-1")]);
        await fixture.Cluster.DeactivateAsync(Store(store));
        await fixture.Cluster.DeactivateAsync(Account(account));

        var listed = await Store(store).ListSecretsAsync(Reader, account, new ListRequest());
        Assert.Equal(created.Value!.Single().Id, listed.Value!.Items.Single().Id);
        Assert.Equal(1, (await Account(account).GetQuotaAsync()).SecretsUsage);
        var copy = await Store(store).DuplicateSecretAsync(Writer, account, created.Value!.Single().Id, new DuplicateSecret("COPY", ["dex"], null));
        Assert.True(copy.Succeeded);
    }

    [Fact]
    public async Task TheQuotaIsDerivedFromTheStoresAfterTheAccountGrainRestarts()
    {
        var account = await fixture.NewAccountAsync();
        await Account(account).SetLimitsAsync(new QuotaLimits(50, 3), Caller.Operator);
        var stores = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            stores.Add((await Account(account).CreateStoreAsync(Writer, $"store{i}")).Value!.Id);
            await Store(stores[i]).CreateSecretsAsync(Writer, account, Enumerable.Range(0, i + 1).Select(n => Secret($"S{n}")).ToList());
        }

        await fixture.Cluster.DeactivateAsync(Account(account));
        var quota = await Account(account).GetQuotaAsync();
        Assert.Equal((50, 6, 3, 3), (quota.SecretsQuota, quota.SecretsUsage, quota.StoresQuota, quota.StoresUsage));
    }

    [Fact]
    public async Task AStoreDeletedByItsOwnGrainIsGoneFromTheAccountOnceTheAccountReloads()
    {
        var (account, store) = await NewStoreAsync();
        await Store(store).CreateSecretsAsync(Writer, account, [Secret("A")]);

        // As if the account's silo crashed after the store's tombstone was written, before the account heard of it.
        Assert.True((await Store(store).DeleteAsync(Writer, account, force: true)).Succeeded);
        await fixture.Cluster.DeactivateAsync(Account(account));

        var quota = await Account(account).GetQuotaAsync();
        Assert.Equal((0, 0), (quota.SecretsUsage, quota.StoresUsage));
        Assert.Empty((await Account(account).ListStoresAsync(Reader, new ListRequest())).Value!.Items);
    }

    [Fact]
    public async Task ADeletedStoreIsNeverBroughtBack()
    {
        var (account, store) = await NewStoreAsync();
        var view = (await Store(store).GetAsync(Reader, account)).Value!;
        Assert.True((await Account(account).DeleteStoreAsync(Writer, store, force: false)).Succeeded);
        var again = await Account(account).CreateStoreAsync(Writer, view.Name);

        Assert.NotEqual(store, again.Value!.Id);
        await fixture.Cluster.DeactivateAsync(Store(store));
        Assert.Equal("store_not_found", (await Store(store).GetAsync(Reader, account)).Error!.Message);
        Assert.Equal("store_not_found", (await Store(store).CreateSecretsAsync(Writer, account, [Secret("A")])).Error!.Message);
    }
}
