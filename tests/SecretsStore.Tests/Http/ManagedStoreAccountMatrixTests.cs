using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Http;

/// <summary>Every account route on a store a service manages × every kind of caller: reads pass, changes do not.</summary>
[Collection(AppCollection.Name)]
public sealed class ManagedStoreAccountMatrixTests(AppFixture app)
{
    public static TheoryData<string, CallerKindUnderTest> Cases => MatrixRoutes.Cases(MatrixRoutes.Account);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task AccountRouteOnAManagedStoreAnswersEachCallerAsSpecified(string routeName, CallerKindUnderTest caller)
    {
        var route = MatrixRoutes.Account.Single(r => r.Name == routeName);
        var (status, code) = Expected(route, caller);
        var (_, before, after) = await MatrixRoutes.CallAsync(app, route, caller, status, code);
        Assert.Equal(before, after);
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
