using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SecretsStore.Api.Readiness;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Security;

/// <summary>
/// Review finding 9: every unauthenticated <c>/readyz</c> took a connection from the shared pool and called the
/// management grain. Now the checks run at most once a second per process, however many probes arrive. Counted with
/// one more readiness check, registered the way a host adds its own (tagged <see cref="ReadinessChecks.Readiness"/>),
/// which runs whenever the others do.
/// </summary>
public sealed class ReadinessProbeFloodTests
{
    [Fact]
    public async Task AFloodOfReadinessProbesRunsTheChecksAtMostOnceASecond()
    {
        var checks = 0;
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("readyflood"));
        await using var app = await TestHost.StartAsync(settings, builder => builder.Services.AddHealthChecks().AddCheck(
            "counted", () =>
            {
                Interlocked.Increment(ref checks);
                return HealthCheckResult.Healthy();
            },
            tags: [ReadinessChecks.Readiness]));
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var api = new ApiClient(http);

        var timer = Stopwatch.StartNew();
        var statuses = new int[400];
        await Parallel.ForEachAsync(Enumerable.Range(0, statuses.Length), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
            statuses[i] = (await api.GetAsync("/readyz", null)).Status);
        var seconds = timer.Elapsed.TotalSeconds;

        Assert.All(statuses, status => Assert.Equal(200, status));
        // One check per second that passed, and the one that started the flood.
        Assert.InRange(checks, 1, (int)Math.Ceiling(seconds) + 1);
    }
}
