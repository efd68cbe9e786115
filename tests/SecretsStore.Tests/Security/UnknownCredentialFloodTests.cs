using Microsoft.Extensions.DependencyInjection;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Security;

/// <summary>
/// Review findings 2 and 9: a random bearer token used to cost a rate-limit grain activation (held five minutes) and
/// two database look-ups, every time. Now a credential that names nothing activates no grain, and one sent again is
/// answered from the bounded cache of unknown credentials. The shared app raises the per-address limit of failed
/// authentications (its tests send bad credentials from one address), so every token here is looked up once;
/// <see cref="FailedAuthenticationLimitTests"/> runs with the limit low.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class UnknownCredentialFloodTests(AppFixture app)
{
    private const int Flood = 300;

    [Fact]
    public async Task AFloodOfDistinctRandomTokensActivatesNoRateLimitGrain()
    {
        var account = await app.NewAccountAsync();
        Assert.Equal(200, (await app.Api.GetAsync($"{account.Base}/quota", account.ReadToken)).Status);
        var grains = app.App.Web.Services.GetRequiredService<IGrainFactory>();
        var before = await BudgetActivationsAsync(grains);

        // Half on a route, half on no route at all: the limiter runs before routing answers 404.
        var refused = await SendAsync(Enumerable.Range(0, Flood).Select(_ => GuessedTokens.New()), i => i % 2 == 0 ? $"{account.Base}/stores" : "/anything");

        Assert.All(refused.Where((_, i) => i % 2 == 0), status => Assert.Equal(401, status));
        Assert.All(refused.Where((_, i) => i % 2 == 1), status => Assert.Equal(404, status));
        var after = await BudgetActivationsAsync(grains);
        // A credential that names nothing never reaches the cluster's budgets (idle ones may have gone meanwhile).
        Assert.True(after <= before, $"budget grain activations went from {before} to {after} after {Flood} distinct random tokens");
        Assert.Equal(200, (await app.Api.GetAsync($"{account.Base}/quota", account.ReadToken)).Status);
    }

    [Fact]
    public async Task ARepeatedBadTokenIsLookedUpOnceAndAGoodTokenStillWorks()
    {
        using var lookups = new CredentialLookups(app.App);
        var account = await app.NewAccountAsync();
        var bad = GuessedTokens.New();

        Assert.Equal(401, (await app.Api.GetAsync($"{account.Base}/stores", bad)).Status);
        var afterFirst = lookups.Unknown;
        Assert.True(afterFirst >= 1, "the first use of an unknown token is looked up");

        var again = await SendAsync(Enumerable.Repeat(bad, 200), _ => $"{account.Base}/stores");
        Assert.All(again, status => Assert.Equal(401, status));
        Assert.Equal(afterFirst, lookups.Unknown);

        // The flood above did not push the good token out, and it was looked up once, not once per request.
        var foundBefore = lookups.Found;
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(200, (await app.Api.GetAsync($"{account.Base}/quota", account.ReadToken)).Status);
        }

        Assert.InRange(lookups.Found - foundBefore, 0, 1);
    }

    private async Task<int[]> SendAsync(IEnumerable<string> tokens, Func<int, string> pathOf)
    {
        var indexed = tokens.Select((token, i) => (token, i)).ToList();
        var statuses = new int[indexed.Count];
        await Parallel.ForEachAsync(indexed, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (item, _) =>
            statuses[item.i] = (await app.Api.GetAsync(pathOf(item.i), item.token)).Status);
        return statuses;
    }

    private static async Task<int> BudgetActivationsAsync(IGrainFactory grains) =>
        (await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics())
            .Where(s => s.GrainType.Contains("CredentialBudgetGrain", StringComparison.Ordinal))
            .Sum(s => s.ActivationCount);
}
