using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Http;

/// <summary>Every account route on a store a service manages × every kind of caller: reads pass, changes do not.</summary>
[Collection(ServiceCollection.Name)]
public sealed class ManagedStoreAccountMatrixTests(ServiceFixture service)
{
    public static TheoryData<string, CallerKindUnderTest> Cases => MatrixRoutes.Cases(MatrixRoutes.Account);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task AccountRouteOnAManagedStoreAnswersEachCallerAsSpecified(string routeName, CallerKindUnderTest caller)
    {
        var route = MatrixRoutes.Account.Single(r => r.Name == routeName);
        var world = await ManagedWorld.CreateAsync(service);
        var before = await world.DigestAsync(service.Api);

        var response = await service.Api.SendAsync(route.Method, route.Path(world), world.TokenOf(caller), route.Body(world));

        var (status, code) = Expected(route, caller);
        Assert.True(status == response.Status, $"{routeName} as {caller}: expected {status}, got {response.Status} {response.Body}");
        if (code is not null)
        {
            Assert.Equal(code, response.ErrorCode);
        }

        Assert.Equal(before, await world.DigestAsync(service.Api));
    }

    private static (int Status, int? Code) Expected(MatrixRoute route, CallerKindUnderTest caller) => caller switch
    {
        CallerKindUnderTest.AccountWrite => route.Writes ? (403, 1002) : (200, null),
        CallerKindUnderTest.AccountRead => route.Writes ? (403, 9109) : (200, null),
        CallerKindUnderTest.None => (400, 9106),
        // Services and the operator never fall through to the account routes.
        _ => (403, 9109),
    };
}
