using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SecretsStore.Api.Access;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.RateLimits;

/// <summary>A gateway that forgets an idle credential gives the rest of its lease back to the credential's grain.</summary>
public sealed class IdleCredentialTests
{
    [Fact]
    public async Task WhatAnIdleCredentialLeftOfItsLeaseIsGivenBackToTheClusterBudget()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("idlelimit"));
        await using var app = await TestHost.StartAsync(settings, "--SecretsStore:RateLimit:Requests=100", "--SecretsStore:RateLimit:Window=00:02:00");
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var api = new ApiClient(http);
        var account = await AppFixture.NewAccountAsync(api, settings.AdminToken);

        // One request takes a lease of 10 (100 ÷ (10 × 1 gateway)) and spends one permit of it.
        Assert.Equal(200, (await api.GetAsync("/client/v4/user/tokens/verify", account.ReadToken)).Status);
        // ASP.NET Core's partitioned limiter forgets a partition after ten idle seconds.
        await Task.Delay(TimeSpan.FromSeconds(12));

        // Another gateway draining the budget finds all but the one spent permit: the other nine came back.
        var grain = app.Web.Services.GetRequiredService<IGrainFactory>().GetGrain<ICredentialBudgetGrain>(PartitionOf(account.ReadToken));
        var drainer = Guid.NewGuid();
        var left = 0;
        for (var lease = await Drain(); lease.Permits > 0; lease = await Drain())
        {
            left += lease.Permits;
        }

        Assert.Equal(99, left);

        Task<BudgetLease> Drain() => grain.LeaseAsync(new LeaseRequest(drainer, 100, TimeSpan.FromMinutes(2), 0, 0));
    }

    private static string PartitionOf(string token)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Authorization = $"Bearer {token}";
        return PresentedCredential.Of(context).Partition!;
    }
}
