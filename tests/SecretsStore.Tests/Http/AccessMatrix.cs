using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Http;

/// <summary>Every kind of caller a route can meet.</summary>
public enum CallerKindUnderTest
{
    OwningService,
    OtherService,

    /// <summary>A service granted another account only (with the secret's scope): the account must not exist for it.</summary>
    UngrantedService,
    AccountWrite,
    AccountRead,
    Operator,
    None,
}

/// <summary>One route of the matrix: how to call it against a world, and whether it changes anything.</summary>
public sealed record MatrixRoute(string Name, HttpMethod Method, Func<ManagedWorld, string> Path, Func<ManagedWorld, object?> Body, bool Writes);

/// <summary>
/// An account with a store managed by one service, one secret in it (scoped <c>workers</c>), a second service that does
/// not own it, and a third that consumes <c>workers</c> but is granted another account only.
/// </summary>
public sealed record ManagedWorld(
    TestAccount Account, TestService Owner, TestService Other, TestService Ungranted, string Store, string Secret, string AdminToken)
{
    public string SystemStore => $"{TestService.Base(Account.Id)}/stores/{Store}";
    public string AccountStore => $"{Account.Base}/stores/{Store}";

    public string? TokenOf(CallerKindUnderTest caller) => caller switch
    {
        CallerKindUnderTest.OwningService => Owner.Token,
        CallerKindUnderTest.OtherService => Other.Token,
        CallerKindUnderTest.UngrantedService => Ungranted.Token,
        CallerKindUnderTest.AccountWrite => Account.WriteToken,
        CallerKindUnderTest.AccountRead => Account.ReadToken,
        CallerKindUnderTest.Operator => AdminToken,
        _ => null,
    };

    public static async Task<ManagedWorld> CreateAsync(AppFixture app)
    {
        var account = await app.NewAccountAsync();
        var owner = await app.NewServiceAsync(accounts: [account.Id]);
        var other = await app.NewServiceAsync();
        var elsewhere = await app.Api.PostAsync("/admin/v1/accounts", app.AdminToken, new { name = "elsewhere" });
        var ungranted = await app.NewServiceAsync(["workers"], [elsewhere.Result.GetProperty("id").GetString()!]);
        var store = await app.Api.PostAsync($"{TestService.Base(account.Id)}/stores", owner.Token, new { name = "managed", account_id = 1 });
        var storeId = store.Result.GetProperty("id").GetString()!;
        var secret = await app.Api.PostAsync($"{TestService.Base(account.Id)}/stores/{storeId}/secrets", owner.Token,
            new[] { new { name = "SECRET", value = "value", scopes = new[] { "workers" } } });
        return new ManagedWorld(account, owner, other, ungranted, storeId, secret.Result[0].GetProperty("id").GetString()!, app.AdminToken);
    }

    /// <summary>The store's whole visible state, read by its owner: any change to it (values included, through modified) shows.</summary>
    public async Task<string> DigestAsync(ApiClient api)
    {
        var store = await api.GetAsync(SystemStore, Owner.Token);
        var secrets = await api.GetAsync($"{SystemStore}/secrets?per_page=100", Owner.Token);
        return $"{store.Status}:{store.Body.GetRawText()}|{secrets.Status}:{secrets.Body.GetRawText()}";
    }
}

/// <summary>The store routes, once per family: the same handlers answer both.</summary>
public static class MatrixRoutes
{
    private static object NewSecrets() => new[] { new { name = $"NEW_{Guid.NewGuid():N}", value = "v", scopes = new[] { "workers" } } };
    private static object Duplicate() => new { name = $"COPY_{Guid.NewGuid():N}", scopes = new[] { "workers" } };

    public static IReadOnlyList<MatrixRoute> StoreRoutes(Func<ManagedWorld, string> store) =>
    [
        new("GET store", HttpMethod.Get, store, _ => null, Writes: false),
        new("DELETE store", HttpMethod.Delete, w => $"{store(w)}?force=true", _ => null, Writes: true),
        new("POST secrets", HttpMethod.Post, w => $"{store(w)}/secrets", _ => NewSecrets(), Writes: true),
        new("GET secrets", HttpMethod.Get, w => $"{store(w)}/secrets", _ => null, Writes: false),
        new("DELETE secrets", HttpMethod.Delete, w => $"{store(w)}/secrets", w => new { ids = new[] { w.Secret } }, Writes: true),
        new("GET secret", HttpMethod.Get, w => $"{store(w)}/secrets/{w.Secret}", _ => null, Writes: false),
        new("PATCH secret", HttpMethod.Patch, w => $"{store(w)}/secrets/{w.Secret}", _ => new { value = "changed" }, Writes: true),
        new("DELETE secret", HttpMethod.Delete, w => $"{store(w)}/secrets/{w.Secret}", _ => null, Writes: true),
        new("POST duplicate", HttpMethod.Post, w => $"{store(w)}/secrets/{w.Secret}/duplicate", _ => Duplicate(), Writes: true),
    ];

    public static readonly IReadOnlyList<MatrixRoute> System =
    [
        new("POST stores", HttpMethod.Post, w => $"{TestService.Base(w.Account.Id)}/stores", _ => new { name = $"s{Guid.NewGuid():N}", account_id = 1 }, Writes: true),
        new("GET stores", HttpMethod.Get, w => $"{TestService.Base(w.Account.Id)}/stores", _ => null, Writes: false),
        .. StoreRoutes(w => w.SystemStore),
        new("GET value", HttpMethod.Get, w => $"{w.SystemStore}/secrets/{w.Secret}/value", _ => null, Writes: false),
        new("GET value by name", HttpMethod.Get, w => $"{w.SystemStore}/secrets/by-name/SECRET/value", _ => null, Writes: false),
    ];

    public static readonly IReadOnlyList<MatrixRoute> Account =
    [
        new("GET quota", HttpMethod.Get, w => $"{w.Account.Base}/quota", _ => null, Writes: false),
        new("GET stores", HttpMethod.Get, w => $"{w.Account.Base}/stores", _ => null, Writes: false),
        .. StoreRoutes(w => w.AccountStore),
    ];

    /// <summary>One cell of a matrix: a fresh world, the call, and the store's digest before and after it.</summary>
    public static async Task<(ApiResponse Response, string Before, string After)> CallAsync(
        AppFixture app, MatrixRoute route, CallerKindUnderTest caller, int expectedStatus, int? expectedCode)
    {
        var world = await ManagedWorld.CreateAsync(app);
        var before = await world.DigestAsync(app.Api);
        var response = await app.Api.SendAsync(route.Method, route.Path(world), world.TokenOf(caller), route.Body(world));
        Assert.True(expectedStatus == response.Status, $"{route.Name} as {caller}: expected {expectedStatus}, got {response.Status} {response.Body}");
        if (expectedCode is not null)
        {
            Assert.Equal(expectedCode, response.ErrorCode);
        }

        return (response, before, await world.DigestAsync(app.Api));
    }

    public static TheoryData<string, CallerKindUnderTest> Cases(IReadOnlyList<MatrixRoute> routes)
    {
        var data = new TheoryData<string, CallerKindUnderTest>();
        foreach (var route in routes)
        {
            foreach (var caller in Enum.GetValues<CallerKindUnderTest>())
            {
                data.Add(route.Name, caller);
            }
        }

        return data;
    }
}
