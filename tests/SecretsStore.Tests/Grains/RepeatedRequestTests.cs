using SecretsStore.Grains.Abstractions;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Grains;

/// <summary>
/// A write repeated by the gateway after its silo went away mid-call is answered from what its first run committed,
/// on a fresh activation as a failover gives it, and runs only if the first run committed nothing. Each call carries its
/// <see cref="AuditedRequest"/> in Orleans' request context, as the gateway sends it; a repeat is a later attempt.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class RepeatedRequestTests(GrainClusterFixture fixture)
{
    private static readonly Caller Writer = Caller.Account(Permission.Write, "token:test-writer");

    private IStoreGrain Store(Guid id) => fixture.Grains.GetGrain<IStoreGrain>(id);

    private static NewSecret Secret(string name) => new(name, new SecretValue("v"), ["workers"], null);

    private static (AuditedRequest First, AuditedRequest Repeat) Request()
    {
        var first = new AuditedRequest(Guid.NewGuid().ToString("N"), 1, Writer.PrincipalId, null, "test", DateTime.UtcNow);
        return (first, first with { Attempt = 2 });
    }

    /// <summary>Makes <paramref name="call"/> as the gateway does within an audited request: the request in the call's context.</summary>
    private static async Task<T> As<T>(AuditedRequest request, Func<Task<T>> call)
    {
        request.Enter();
        try
        {
            return await call();
        }
        finally
        {
            AuditedRequest.Leave();
        }
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
        var created = await As(first, () => Store(store).CreateSecretsAsync(Writer, account, [Secret("A"), Secret("B")]));
        await fixture.Cluster.DeactivateAsync(Store(store));

        var answered = await As(repeat, () => Store(store).CreateSecretsAsync(Writer, account, [Secret("A"), Secret("B")]));

        Assert.True(answered.Succeeded, answered.Error?.Message);
        Assert.Equal(created.Value!.Select(s => (s.Id, s.Name)), answered.Value!.Select(s => (s.Id, s.Name)));
        Assert.Equal(2, (await SecretsAsync(account, store)).Count);
    }

    [Fact]
    public async Task ARepeatedCreateWhoseFirstRunNeverCommittedRunsNow()
    {
        var (account, store) = await NewStoreAsync();
        var (_, repeat) = Request();

        var answered = await As(repeat, () => Store(store).CreateSecretsAsync(Writer, account, [Secret("A")]));

        Assert.True(answered.Succeeded, answered.Error?.Message);
        Assert.Equal("A", Assert.Single(await SecretsAsync(account, store)).Name);
    }

    [Fact]
    public async Task ARepeatedCreateWhoseFirstRunWasRefusedIsJudgedAgain()
    {
        var (account, store) = await NewStoreAsync();
        await As(Request().First, () => Store(store).CreateSecretsAsync(Writer, account, [Secret("A")]));
        var (first, repeat) = Request();
        Assert.Equal("secret_name_already_exists", (await As(first, () => Store(store).CreateSecretsAsync(Writer, account, [Secret("A")]))).Error!.Token);

        Assert.Equal("secret_name_already_exists", (await As(repeat, () => Store(store).CreateSecretsAsync(Writer, account, [Secret("A")]))).Error!.Token);
    }

    [Fact]
    public async Task ARepeatedDeleteThatCommittedSucceedsInsteadOfAnsweringNotFound()
    {
        var (account, store) = await NewStoreAsync();
        var secret = (await Store(store).CreateSecretsAsync(Writer, account, [Secret("A")])).Value![0];
        var (first, repeat) = Request();
        Assert.True((await As(first, () => Store(store).DeleteSecretAsync(Writer, account, secret.Id))).Succeeded);
        await fixture.Cluster.DeactivateAsync(Store(store));

        Assert.True((await As(repeat, () => Store(store).DeleteSecretAsync(Writer, account, secret.Id))).Succeeded);
        // The same request without the mark is a second delete, and finds nothing.
        Assert.Equal("secret_not_found", (await As(first, () => Store(store).DeleteSecretAsync(Writer, account, secret.Id))).Error!.Message);
    }

    [Fact]
    public async Task ARepeatedDuplicateThatCommittedAnswersTheCopyItMade()
    {
        var (account, store) = await NewStoreAsync();
        var source = (await Store(store).CreateSecretsAsync(Writer, account, [Secret("A")])).Value![0];
        var (first, repeat) = Request();
        var copy = await As(first, () => Store(store).DuplicateSecretAsync(Writer, account, source.Id, new DuplicateSecret("B", ["workers"], null)));

        var answered = await As(repeat, () => Store(store).DuplicateSecretAsync(Writer, account, source.Id, new DuplicateSecret("B", ["workers"], null)));

        Assert.Equal(copy.Value!.Id, answered.Value!.Id);
        Assert.Equal(2, (await SecretsAsync(account, store)).Count);
    }

    [Fact]
    public async Task ARepeatedStoreCreateThatCommittedAnswersTheSameStoreAndMakesNoOther()
    {
        var accountId = await fixture.NewAccountAsync();
        var account = fixture.Grains.GetGrain<IAccountGrain>(accountId);
        var (first, repeat) = Request();
        var created = await As(first, () => account.CreateStoreAsync(Writer, "once"));
        await fixture.Cluster.DeactivateAsync(account);

        var answered = await As(repeat, () => account.CreateStoreAsync(Writer, "once"));

        Assert.True(answered.Succeeded, answered.Error?.Message);
        Assert.Equal(created.Value!.Id, answered.Value!.Id);
        Assert.Single((await account.ListStoresAsync(Writer, new ListRequest())).Value!.Items);
        // Without the mark it is a second create, refused as one.
        Assert.Equal("store_name_already_exists", (await As(first, () => account.CreateStoreAsync(Writer, "once"))).Error!.Token);
    }

    [Fact]
    public async Task ARepeatedStoreCreateWhoseFirstRunNeverCommittedRunsNow()
    {
        var account = fixture.Grains.GetGrain<IAccountGrain>(await fixture.NewAccountAsync());
        var (_, repeat) = Request();

        var answered = await As(repeat, () => account.CreateStoreAsync(Writer, "late"));

        Assert.True(answered.Succeeded, answered.Error?.Message);
        Assert.Equal("late", Assert.Single((await account.ListStoresAsync(Writer, new ListRequest())).Value!.Items).Name);
    }

    [Fact]
    public async Task ARepeatedStoreDeleteThatCommittedSucceedsInsteadOfAnsweringNotFound()
    {
        var (accountId, store) = await NewStoreAsync();
        var account = fixture.Grains.GetGrain<IAccountGrain>(accountId);
        var (first, repeat) = Request();
        Assert.True((await As(first, () => account.DeleteStoreAsync(Writer, store, force: false))).Succeeded);

        Assert.True((await As(repeat, () => account.DeleteStoreAsync(Writer, store, force: false))).Succeeded);
        await fixture.Cluster.DeactivateAsync(account);
        Assert.True((await As(repeat, () => account.DeleteStoreAsync(Writer, store, force: false))).Succeeded);
        Assert.Equal("store_not_found", (await As(first, () => account.DeleteStoreAsync(Writer, store, force: false))).Error!.Message);
        // A repeat of a delete that never committed is judged as a first one: another account's store is not found.
        var (_, stray) = Request();
        var (_, other) = await NewStoreAsync();
        Assert.Equal("store_not_found", (await As(stray, () => account.DeleteStoreAsync(Writer, other, force: false))).Error!.Message);
    }
}
