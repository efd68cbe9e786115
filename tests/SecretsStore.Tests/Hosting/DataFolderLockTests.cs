using SecretsStore.Silo.Hosting;
using SecretsStore.Silo.Hosting.Development;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Hosting;

/// <summary>One run command per data folder: a second start leaves the first alone, a killed one blocks nothing.</summary>
[Collection(FaultCollection.Name)]
public sealed class DataFolderLockTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"secretsstore-lock-{Guid.NewGuid():N}");

    [Fact]
    public void AFolderHeldByOneClaimCannotBeClaimedAgainUntilItIsReleased()
    {
        Directory.CreateDirectory(_data);
        using (DataFolderLock.Acquire(_data))
        {
            var refused = Assert.Throws<DataFolderInUseException>(() => DataFolderLock.Acquire(_data));
            Assert.Contains($"process {Environment.ProcessId}", refused.Message);
        }

        DataFolderLock.Acquire(_data).Dispose();
    }

    [Fact]
    public async Task ASecondStartOnTheSameFolderExitsAtOnceNamingTheFirstWhichKeepsServing()
    {
        await using var first = await SiloProcess.StartDevelopmentRunAsync(_data);
        var pgPid = await File.ReadAllLinesAsync(Path.Combine(_data, "postgres", "pgdata", "postmaster.pid"));

        var (exitCode, output, took) = await SiloProcess.RunDevelopmentRunToExitAsync(_data, TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exitCode);
        Assert.True(took < TimeSpan.FromSeconds(30), $"the second start took {took.TotalSeconds:N1} s to give up");
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"process {first.Id}", line);
        Assert.Contains(first.BaseAddress.ToString().TrimEnd('/'), line);
        Assert.Equal(pgPid, await File.ReadAllLinesAsync(Path.Combine(_data, "postgres", "pgdata", "postmaster.pid")));
        using var http = new HttpClient { BaseAddress = first.BaseAddress };
        Assert.True((await http.GetAsync("/readyz")).IsSuccessStatusCode, first.Output);
    }

    [Fact]
    public async Task AFolderLeftByAKilledRunStartsAgain()
    {
        var ports = (FreePort.Next(), FreePort.Next());
        await using (var killed = await SiloProcess.StartDevelopmentRunAsync(_data, ports))
        {
            killed.Kill();
        }

        await using var again = await SiloProcess.StartDevelopmentRunAsync(_data, ports);
        using var http = new HttpClient { BaseAddress = again.BaseAddress };
        Assert.True((await http.GetAsync("/readyz")).IsSuccessStatusCode, again.Output);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }

        return Task.CompletedTask;
    }
}
