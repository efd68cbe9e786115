using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Hosting;

/// <summary>A stop says so: one line as it begins, one when the service and its PostgreSQL have stopped.</summary>
[Collection(FaultCollection.Name)]
public sealed class StopMessageTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"secretsstore-stop-{Guid.NewGuid():N}");

    [Fact]
    public async Task ASigtermSaysStoppingThenStoppedWithItsPostgresWhichIsDown()
    {
        await using var run = await SiloProcess.StartDevelopmentRunAsync(_data);
        var postmaster = Path.Combine(_data, "postgres", "pgdata", "postmaster.pid");
        Assert.True(File.Exists(postmaster));

        await run.SendTerminateAsync();

        Assert.Equal(0, await run.WaitForExitCodeAsync(TimeSpan.FromSeconds(60)));
        var lines = run.Output.TrimEnd().Split('\n').Select(line => line.TrimEnd()).ToArray();
        var stopping = Assert.Single(lines, line => line.StartsWith("Stopping", StringComparison.Ordinal));
        Assert.Equal("Stopping SecretsStore ...", stopping);
        Assert.Equal($"SecretsStore stopped, and its PostgreSQL under {Path.Combine(_data, "postgres")}.", lines[^1]);
        Assert.True(Array.IndexOf(lines, stopping) < lines.Length - 1, run.Output);
        // pg_ctl stop -w returns once the server is down, which removes its pid file.
        Assert.False(File.Exists(postmaster), run.Output);
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
