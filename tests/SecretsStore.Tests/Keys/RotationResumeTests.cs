using System.Collections.Concurrent;
using SecretsStore.Tests.Infrastructure;
using static SecretsStore.Tests.Keys.RotationWorld;

namespace SecretsStore.Tests.Keys;

/// <summary>
/// Rotations interrupted by kill -9, on real silo processes sharing one PostgreSQL: a restarted silo resumes the
/// rotation, and with two silos the survivor finishes what the dead one started. Values open throughout.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class RotationResumeTests
{
    private const int SeededStores = 150;

    [Fact]
    public async Task ASiloKilledMidRotationResumesItWhenItStartsAgain()
    {
        var (settings, oldKey, newKey, written) = await SeedAsync();
        var clusterId = $"resume-{Guid.NewGuid():N}";
        // Restarted on its own ports, as systemd restarts it: the new silo replaces the dead one in the membership
        // table at once, instead of waiting for it to be declared dead.
        string[] ports = [$"--Orleans:SiloPort={FreePort.Next()}", $"--Orleans:GatewayPort={FreePort.Next()}"];
        await using (var silo = await StartSlowRewrapperAsync(settings, clusterId, oldKey, ports))
        {
            await RotateAsync(silo, settings);
            await WaitForProgressAsync(settings, oldKey);
            silo.Kill();
        }

        var left = await StoresUnderAsync(settings.ConnectionString, oldKey);
        Assert.True(left > 0, "the rotation finished before the silo was killed; slow it down");
        // Nobody else re-wraps: the rotation waits for a silo.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(left, await StoresUnderAsync(settings.ConnectionString, oldKey));
        Assert.Equal("retiring", await StateOfAsync(settings.ConnectionString, oldKey));
        await AssertEveryValueOpensWithAsync(settings.ConnectionString, written, oldKey, newKey);

        await using var restarted = await StartSlowRewrapperAsync(settings, clusterId, oldKey, ports);
        await WaitUntilRetiredAsync(settings, oldKey, restarted);
        await WaitForLineAsync(restarted, "Re-wrapped");
        await AssertEveryValueOpensWithAsync(settings.ConnectionString, written, newKey);
    }

    [Fact]
    public async Task WhenTheSiloThatReWrapsDiesTheOtherSiloFinishesTheRotation()
    {
        var (settings, oldKey, newKey, written) = await SeedAsync();
        var clusterId = $"takeover-{Guid.NewGuid():N}";
        await using var first = await StartSlowRewrapperAsync(settings, clusterId, oldKey);
        await using var second = await StartSlowRewrapperAsync(settings, clusterId, oldKey);
        await RotateAsync(first, settings);
        await WaitForProgressAsync(settings, oldKey);

        // Only one silo re-wraps; it says so in its log.
        SiloProcess? working = null;
        await WaitUntilAsync(() => Task.FromResult((working = new[] { first, second }.FirstOrDefault(s => s.Output.Contains("Re-wrapping", StringComparison.Ordinal))) is not null),
            TimeSpan.FromSeconds(30), "a silo reports that it re-wraps");
        var survivor = working == first ? second : first;
        Assert.DoesNotContain("Re-wrapping", survivor.Output, StringComparison.Ordinal);
        working!.Kill();
        Assert.True(await StoresUnderAsync(settings.ConnectionString, oldKey) > 0, "the rotation finished before the silo was killed; slow it down");

        await WaitUntilRetiredAsync(settings, oldKey, survivor);
        await WaitForLineAsync(survivor, "Re-wrapped");
        await AssertEveryValueOpensWithAsync(settings.ConnectionString, written, newKey);
    }

    [Fact]
    public async Task ARotationIsRefusedWhileARunningSiloLacksTheNewKey()
    {
        var (settings, oldKey, newKey, written) = await SeedAsync();
        var clusterId = $"lacking-{Guid.NewGuid():N}";
        var stalePort = FreePort.Next();
        await using var updated = await StartSlowRewrapperAsync(settings, clusterId, oldKey);
        await using var stale = await SiloProcess.StartAsync(settings with { MasterKey = oldKey }, clusterId, $"--Orleans:SiloPort={stalePort}");

        using var http = new HttpClient { BaseAddress = updated.BaseAddress };
        var rotated = await new ApiClient(http).PostAsync("/admin/v1/keys/rotate", settings.AdminToken, null);

        Assert.Equal((409, 1003), (rotated.Status, rotated.ErrorCode));
        Assert.StartsWith($"master_key_not_on_every_silo: 127.0.0.1:{stalePort};", rotated.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("current", await StateOfAsync(settings.ConnectionString, oldKey));
        Assert.Null(await StateOfAsync(settings.ConnectionString, newKey));
        await AssertEveryValueOpensWithAsync(settings.ConnectionString, written, oldKey);
    }

    /// <summary>Stores wrapped under an old key by one silo; the settings carry the new key, to be added last.</summary>
    private static async Task<(TestHostSettings Settings, string OldKey, string NewKey, ConcurrentBag<WrittenSecret> Written)> SeedAsync()
    {
        var (oldKey, newKey) = (NewKey(), NewKey());
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("resume")) with { MasterKey = oldKey };
        ConcurrentBag<WrittenSecret> written;
        await using (var app = await TestHost.StartAsync(settings))
        {
            using var http = new HttpClient { BaseAddress = app.BaseAddress };
            (_, written) = await RotationWorld.SeedAsync(new ApiClient(http), settings.AdminToken, SeededStores);
        }

        return (settings with { MasterKey = newKey }, oldKey, newKey, written);
    }

    /// <summary>A silo with both keys whose re-wrapping takes seconds (5 stores a batch, 100 ms apart) and that polls every second.</summary>
    private static Task<SiloProcess> StartSlowRewrapperAsync(TestHostSettings settings, string clusterId, string oldKey, params string[] extraArgs) =>
        SiloProcess.StartAsync(settings, clusterId,
        [
            $"--SecretsStore:MasterKeys:0={oldKey}",
            "--SecretsStore:KeyRotation:BatchSize=5",
            "--SecretsStore:KeyRotation:BatchPause=00:00:00.100",
            "--SecretsStore:KeyRotation:PollInterval=00:00:01",
            .. extraArgs,
        ]);

    private static async Task RotateAsync(SiloProcess silo, TestHostSettings settings)
    {
        using var http = new HttpClient { BaseAddress = silo.BaseAddress };
        var rotated = await new ApiClient(http).PostAsync("/admin/v1/keys/rotate", settings.AdminToken, null);
        Assert.True(rotated.Status == 200, $"rotate answered {rotated.Status}: {rotated.Body}");
    }

    private static Task WaitForProgressAsync(TestHostSettings settings, string oldKey) =>
        WaitUntilAsync(async () => await StoresUnderAsync(settings.ConnectionString, oldKey) < SeededStores - 10, TimeSpan.FromSeconds(30), "re-wrapping has begun");

    /// <summary>The silo logs after it retires the key, and its output reaches us a moment later.</summary>
    private static Task WaitForLineAsync(SiloProcess silo, string text) =>
        WaitUntilAsync(() => Task.FromResult(silo.Output.Contains(text, StringComparison.Ordinal)), TimeSpan.FromSeconds(10), $"the silo logs \"{text}\"", () => silo.Output);

    private static async Task WaitUntilRetiredAsync(TestHostSettings settings, string oldKey, SiloProcess silo)
    {
        await WaitUntilAsync(async () => await StateOfAsync(settings.ConnectionString, oldKey) == "retired", TimeSpan.FromSeconds(90),
            "the old key is retired", () => silo.Output);
        Assert.Equal(0, await StoresUnderAsync(settings.ConnectionString, oldKey));
    }
}
