using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Hosting;

/// <summary>
/// Ports that never clash: development runs given no port at all (as <c>./scripts/run.sh</c> starts them) come up side
/// by side, while other processes hold Orleans' default ports, and a restart takes its ports again.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed partial class PortClashTests : IAsyncLifetime
{
    private readonly string _first = Path.Combine(Path.GetTempPath(), $"secretsstore-clash-{Guid.NewGuid():N}");
    private readonly string _second = Path.Combine(Path.GetTempPath(), $"secretsstore-clash-{Guid.NewGuid():N}");

    [Fact]
    public async Task TwoRunsOnTheirOwnFoldersComeUpAtOnceWithoutPortsWhileOthersHoldOrleansDefaultPorts()
    {
        // As another instance would hold them; if something on this machine holds them already, so much the better.
        using var silo = Hold(11111);
        using var gateway = Hold(30000);

        var first = await SiloProcess.StartDevelopmentRunWithoutPortsAsync(_first);
        try
        {
            await using var second = await SiloProcess.StartDevelopmentRunWithoutPortsAsync(_second);

            Assert.NotEqual(first.BaseAddress, second.BaseAddress);
            Assert.NotEqual(SiloPort(first), SiloPort(second));
            foreach (var run in new[] { first, second })
            {
                Assert.NotEqual(11111, SiloPort(run));
                Assert.Contains(", no gateway port", run.Output);
                // At most one of them has 8787; one that has not says so, with the address it has.
                if (run.BaseAddress.Port != 8787)
                {
                    Assert.Contains($"NOTE: port 8787 is taken by another process, so this run listens on {run.BaseAddress.ToString().TrimEnd('/')} instead", run.Output);
                }

                using var http = new HttpClient { BaseAddress = run.BaseAddress };
                Assert.True((await http.GetAsync("/readyz")).IsSuccessStatusCode, run.Output);
            }

            // Its silo takes the same address again, so Orleans retires the old membership entry at once.
            var before = (SiloPort(first), first.BaseAddress);
            (first, _) = await first.RestartAsync();
            Assert.Equal(before, (SiloPort(first), first.BaseAddress));
        }
        finally
        {
            await first.DisposeAsync();
        }
    }

    private static int SiloPort(SiloProcess run) =>
        int.Parse(SiloPortLine().Match(run.Output).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Orleans:\s+silo port (\d+) on ")]
    private static partial Regex SiloPortLine();

    /// <summary>Listens on the port on every address, as <c>python3 -m http.server PORT</c> does; null if it is held already.</summary>
    private static TcpListener? Hold(int port)
    {
        var listener = new TcpListener(IPAddress.Any, port);
        try
        {
            listener.Start();
            return listener;
        }
        catch (SocketException)
        {
            listener.Dispose();
            return null;
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        foreach (var folder in new[] { _first, _second }.Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }

        return Task.CompletedTask;
    }
}
