using SecretsStore.Grains.Abstractions;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Grains;

/// <summary>
/// A write repeated by the gateway after its silo went away mid-call is answered from what its first run committed,
/// on a fresh activation as a failover gives it, and runs only if the first run committed nothing.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class RepeatedRequestTests(GrainClusterFixture fixture)
{
    private static readonly Caller Writer = Caller.Account(Permission.Write, "token:test-writer");

    private IStoreGrain Store(Guid id) => fixture.Grains.GetGrain<IStoreGrain>(id);

    private static NewSecret Secret(string name) => new(name, new SecretValue("v"), ["workers"], null);

    private static (Caller First, Caller Repeat) Request()
    {
        var first = Writer.ForRequest(Guid.NewGuid().ToString("N"));
        return (first, first with { Repeated = true });
    }

    private async Task<(Guid Account, Guid Store)> NewStoreAsync()
    {
        var account = await fixture.NewAccountAsync();
        var store = await fixture.Grains.GetGrain<IAccountGrain>(account).CreateStoreAsync(Writer, $"s{Guid.NewGuid():N}");
        return (account, store.Value!.Id);
    }

    private async Task<IReadOnlyList<SecretView>> SecretsAsync(Guid account, Guid store) =>
        (await Store(store).ListSecretsAsync(Writer, account, new ListRequest())).Value!.Items;

    [Fact]
    public async Task ARepeatedCreateThatCommittedAnswersTheSameSecretsAndCreatesNothingMore()
    {
        var (account, store) = await NewStoreAsync();
        var (first, repeat) = Request();
        var created = await Store(store).CreateSecretsAsync(first, account, [Secret("A"), Secret("B")]);
        await fixture.Cluster.DeactivateAsync(Store(store));

        var answered = await Store(store).CreateSecretsAsync(repeat, account, [Secret("A"), Secret("B")]);

        Assert.True(answered.Succeeded, answered.Error?.Message);
        Assert.Equal(created.Value!.Select(s => (s.Id, s.Name)), answered.Value!.Select(s => (s.Id, s.Name)));
        Assert.Equal(2, (await SecretsAsync(account, store)).Count);
    }

    [Fact]
    public async Task ARepeatedCreateWhoseFirstRunNeverCommittedRunsNow()
    {
        var (account, store) = await NewStoreAsync();
        var (_, repeat) = Request();

        var answered = await Store(store).CreateSecretsAsync(repeat, account, [Secret("A")]);

        Assert.True(answered.Succeeded, answered.Error?.Message);
        Assert.Equal("A", Assert.Single(await SecretsAsync(account, store)).Name);
    }

    [Fact]
    public async Task ARepeatedCreateWhoseFirstRunWasRefusedIsJudgedAgain()
    {
        var (account, store) = await NewStoreAsync();
        await Store(store).CreateSecretsAsync(Writer.ForRequest(Guid.NewGuid().ToString("N")), account, [Secret("A")]);
        var (first, repeat) = Request();
        Assert.Equal("secret_name_already_exists", (await Store(store).CreateSecretsAsync(first, account, [Secret("A")])).Error!.Token);

        Assert.Equal("secret_name_already_exists", (await Store(store).CreateSecretsAsync(repeat, account, [Secret("A")])).Error!.Token);
    }

    [Fact]
    public async Task ARepeatedDeleteThatCommittedSucceedsInsteadOfAnsweringNotFound()
    {
        var (account, store) = await NewStoreAsync();
        var secret = (await Store(store).CreateSecretsAsync(Writer, account, [Secret("A")])).Value![0];
        var (first, repeat) = Request();
        Assert.True((await Store(store).DeleteSecretAsync(first, account, secret.Id)).Succeeded);
        await fixture.Cluster.DeactivateAsync(Store(store));

        Assert.True((await Store(store).DeleteSecretAsync(repeat, account, secret.Id)).Succeeded);
        // The same request without the mark is a second delete, and finds nothing.
        Assert.Equal("secret_not_found", (await Store(store).DeleteSecretAsync(first, account, secret.Id)).Error!.Message);
    }

    [Fact]
    public async Task ARepeatedDuplicateThatCommittedAnswersTheCopyItMade()
    {
        var (account, store) = await NewStoreAsync();
        var source = (await Store(store).CreateSecretsAsync(Writer, account, [Secret("A")])).Value![0];
        var (first, repeat) = Request();
        var copy = await Store(store).DuplicateSecretAsync(first, account, source.Id, new DuplicateSecret("B", ["workers"], null));

        var answered = await Store(store).DuplicateSecretAsync(repeat, account, source.Id, new DuplicateSecret("B", ["workers"], null));

        Assert.Equal(copy.Value!.Id, answered.Value!.Id);
        Assert.Equal(2, (await SecretsAsync(account, store)).Count);
    }

    [Fact]
    public async Task ARepeatedStoreCreateThatCommittedAnswersTheSameStoreAndMakesNoOther()
    {
        var accountId = await fixture.NewAccountAsync();
        var account = fixture.Grains.GetGrain<IAccountGrain>(accountId);
        var (first, repeat) = Request();
        var created = await account.CreateStoreAsync(first, "once");
        await fixture.Cluster.DeactivateAsync(account);

        var answered = await account.CreateStoreAsync(repeat, "once");

        Assert.True(answered.Succeeded, answered.Error?.Message);
        Assert.Equal(created.Value!.Id, answered.Value!.Id);
        Assert.Single((await account.ListStoresAsync(Writer, new ListRequest())).Value!.Items);
        // Without the mark it is a second create, refused as one.
        Assert.Equal("store_name_already_exists", (await account.CreateStoreAsync(first, "once")).Error!.Token);
    }

    [Fact]
    public async Task ARepeatedStoreCreateWhoseFirstRunNeverCommittedRunsNow()
    {
        var account = fixture.Grains.GetGrain<IAccountGrain>(await fixture.NewAccountAsync());
        var (_, repeat) = Request();

        var answered = await account.CreateStoreAsync(repeat, "late");

        Assert.True(answered.Succeeded, answered.Error?.Message);
        Assert.Equal("late", Assert.Single((await account.ListStoresAsync(Writer, new ListRequest())).Value!.Items).Name);
    }

    [Fact]
    public async Task ARepeatedStoreDeleteThatCommittedSucceedsInsteadOfAnsweringNotFound()
    {
        var (accountId, store) = await NewStoreAsync();
        var account = fixture.Grains.GetGrain<IAccountGrain>(accountId);
        var (first, repeat) = Request();
        Assert.True((await account.DeleteStoreAsync(first, store, force: false)).Succeeded);

        Assert.True((await account.DeleteStoreAsync(repeat, store, force: false)).Succeeded);
        await fixture.Cluster.DeactivateAsync(account);
        Assert.True((await account.DeleteStoreAsync(repeat, store, force: false)).Succeeded);
        Assert.Equal("store_not_found", (await account.DeleteStoreAsync(first, store, force: false)).Error!.Message);
        // A repeat of a delete that never committed is judged as a first one: another account's store is not found.
        var (_, stray) = Request();
        var (_, other) = await NewStoreAsync();
        Assert.Equal("store_not_found", (await account.DeleteStoreAsync(stray, other, force: false)).Error!.Message);
    }
}
