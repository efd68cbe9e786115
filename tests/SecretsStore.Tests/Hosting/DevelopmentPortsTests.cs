using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using SecretsStore.Silo.Hosting;
using SecretsStore.Silo.Hosting.Development;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Hosting;

/// <summary>
/// The ports a development run is not given: chosen free, kept in its data folder for the next start, never in place of
/// one that is set. Nothing is started here but listeners; the runs themselves are in <see cref="PortClashTests"/>.
/// </summary>
public sealed class DevelopmentPortsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("secretsstore-ports-").FullName;

    private static SecretsStoreHostOptions Options(params (string Key, string Value)[] settings) => SecretsStoreHostOptions.Read(
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build());

    [Fact]
    public void UnsetOrleansPortsAreChosenFreeAndTakenAgainByTheNextStartOfTheSameFolder()
    {
        var combined = Options();
        DevelopmentPorts.Assign(_folder, combined, HostRole.Combined, configuredUrls: "http://127.0.0.1:0");
        var silo = Assert.IsType<int>(combined.Orleans.SiloPort);
        Assert.NotEqual(OrleansHostOptions.DefaultSiloPort, silo);
        // A combined run calls its grains in-process: no gateway port to choose, none opened.
        Assert.Equal(0, combined.Orleans.GatewayPortFor(HostRole.Combined));

        var again = Options();
        DevelopmentPorts.Assign(_folder, again, HostRole.Combined, configuredUrls: "http://127.0.0.1:0");
        Assert.Equal(silo, again.Orleans.SiloPort);

        // The silo role needs a gateway port for the standalone gateways; it is chosen too, apart from the silo port.
        var siloRole = Options();
        DevelopmentPorts.Assign(_folder, siloRole, HostRole.Silo, configuredUrls: "http://127.0.0.1:0");
        Assert.Equal(silo, siloRole.Orleans.SiloPort);
        Assert.NotNull(siloRole.Orleans.GatewayPort);
        Assert.NotEqual(silo, siloRole.Orleans.GatewayPort);
        Assert.NotEqual(OrleansHostOptions.DefaultGatewayPort, siloRole.Orleans.GatewayPort);
    }

    [Fact]
    public void PortsThatAreSetAreKeptAsTheyAre()
    {
        var (silo, gateway) = (FreePort.Next(), FreePort.Next());
        var options = Options(("Orleans:SiloPort", $"{silo}"), ("Orleans:GatewayPort", $"{gateway}"));

        var ports = DevelopmentPorts.Assign(_folder, options, HostRole.Silo, configuredUrls: "http://127.0.0.1:0");

        Assert.Equal((silo, gateway), (options.Orleans.SiloPort, options.Orleans.GatewayPort));
        Assert.Null(ports.DefaultUrl);
    }

    [Fact]
    public void WhenTheDefaultHttpPortIsTakenTheRunListensOnAnotherSaysSoAndKeepsIt()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var taken = ((IPEndPoint)holder.LocalEndpoint).Port;

        var ports = DevelopmentPorts.Assign(_folder, Options(), HostRole.Combined, configuredUrls: null, preferredHttpPort: taken);

        Assert.True(ports.HttpMoved);
        Assert.NotEqual(taken, ports.Http);
        Assert.Equal($"http://127.0.0.1:{ports.Http}", ports.DefaultUrl);
        var again = DevelopmentPorts.Assign(_folder, Options(), HostRole.Combined, configuredUrls: null, preferredHttpPort: taken);
        Assert.Equal(ports.Http, again.Http);

        holder.Stop();
        var freed = DevelopmentPorts.Assign(_folder, Options(), HostRole.Combined, configuredUrls: null, preferredHttpPort: taken);
        Assert.Equal(taken, freed.Http);
        Assert.False(freed.HttpMoved);
    }

    [Fact]
    public void APortThatIsSetAndTakenRefusesTheStartNamingTheSetting()
    {
        using var holder = new TcpListener(IPAddress.Any, 0);
        holder.Start();
        var taken = ((IPEndPoint)holder.LocalEndpoint).Port;

        var silo = Assert.Throws<StartRefusedException>(() =>
            DevelopmentPorts.Assign(_folder, Options(("Orleans:SiloPort", $"{taken}")), HostRole.Combined, configuredUrls: "http://127.0.0.1:0"));
        Assert.Equal(
            $"Orleans:SiloPort {taken} on 127.0.0.1 is in use by another process: set Orleans__SiloPort to a free port (a development run picks one itself when it is unset).",
            silo.Message);

        var url = Assert.Throws<StartRefusedException>(() =>
            DevelopmentPorts.Assign(_folder, Options(), HostRole.Combined, configuredUrls: $"http://127.0.0.1:{taken}"));
        Assert.StartsWith($"http://127.0.0.1:{taken} is in use by another process: stop what holds it, or set ASPNETCORE_URLS to a free address", url.Message);
    }

    [Fact]
    public void PortPickerGivesAWantedPortWhenItIsFreeAnotherWhenItIsNotAndNeverTheSameTwice()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var taken = ((IPEndPoint)holder.LocalEndpoint).Port;
        var free = FreePort.Next();

        var picked = PortPicker.Pick(IPAddress.Loopback, [free, taken, 0, 0, free]);

        Assert.Equal(free, picked[0]);
        Assert.NotEqual(taken, picked[1]);
        Assert.Equal(picked.Length, picked.Distinct().Count());
        Assert.All(picked, port => Assert.True(port > 0));
    }

    [Fact]
    public void TheFreePortsCommandTakesTheFirstFreeAlternativeOfEachArgument()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var taken = ((IPEndPoint)holder.LocalEndpoint).Port;
        var free = FreePort.Next();
        using var output = new StringWriter();

        Assert.Equal(0, PortPicker.RunCommand([$"{taken}/{free}", $"{taken}", "0"], output, TextWriter.Null));

        var ports = output.ToString().Trim().Split(' ').Select(int.Parse).ToArray();
        Assert.Equal(free, ports[0]);
        Assert.NotEqual(taken, ports[1]);
        Assert.Equal(3, ports.Distinct().Count());
        Assert.Equal(64, PortPicker.RunCommand(["8787/x"], TextWriter.Null, TextWriter.Null));
    }

    [Fact]
    public void ChosenPortsAreKeptInTheDataFolder()
    {
        var options = Options();
        DevelopmentPorts.Assign(_folder, options, HostRole.Combined, configuredUrls: "http://127.0.0.1:0");

        var kept = JsonDocument.Parse(File.ReadAllText(Path.Combine(_folder, DevelopmentPorts.FileName))).RootElement;
        Assert.Equal(options.Orleans.SiloPort, kept.GetProperty("silo").GetInt32());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
