using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Http;

/// <summary>Every system route × every kind of caller: the expected answer, and nothing changed by a refusal.</summary>
[Collection(AppCollection.Name)]
public sealed class SystemAccessMatrixTests(AppFixture app)
{
    public static TheoryData<string, CallerKindUnderTest> Cases => MatrixRoutes.Cases(MatrixRoutes.System);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task SystemRouteAnswersEachCallerAsSpecified(string routeName, CallerKindUnderTest caller)
    {
        var route = MatrixRoutes.System.Single(r => r.Name == routeName);
        var (status, code) = Expected(route, caller);
        var (response, before, after) = await MatrixRoutes.CallAsync(app, route, caller, status, code);

        if (caller != CallerKindUnderTest.OwningService)
        {
            Assert.Equal(before, after);
        }

        if (routeName == "GET stores" && caller == CallerKindUnderTest.OtherService)
        {
            Assert.Empty(response.Result.EnumerateArray());
        }

        if (caller == CallerKindUnderTest.UngrantedService)
        {
            Assert.Equal("account_not_found", response.ErrorMessage);
        }
    }

    private static (int Status, int? Code) Expected(MatrixRoute route, CallerKindUnderTest caller) => caller switch
    {
        CallerKindUnderTest.OwningService => (SuccessStatus(route), null),
        // Another service may make and list stores of its own, and read values of the scopes it consumes (workers, as
        // the secret's), but cannot learn this store exists.
        CallerKindUnderTest.OtherService => route.Name is "POST stores" or "GET stores" or "GET value" or "GET value by name" ? (SuccessStatus(route), null) : (404, 1001),
        // A service not granted the account: as if it did not exist, on every route, its scope notwithstanding.
        CallerKindUnderTest.UngrantedService => (404, 1001),
        CallerKindUnderTest.None => (400, 9106),
        _ => (403, 9109),
    };

    private static int SuccessStatus(MatrixRoute route) => route.Name is "DELETE secrets" or "DELETE secret" ? 202 : 200;
}
