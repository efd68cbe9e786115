using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecretsStore.Silo.Hosting.Development;

/// <summary>
/// The ports a development run is not given, chosen so that they never clash with another process: the silo port (and,
/// in the silo role, the gateway port; a combined run opens none), and the HTTP port when <c>ASPNETCORE_URLS</c> is
/// unset: 8787 when it is free, else another one, which the banner says loudly. The ports taken are kept in
/// <c>ports.json</c> of the data folder and taken again while they are free, so a restart keeps its address: Orleans
/// then retires the run's old membership entry at once (same address, newer generation) instead of probing a silo
/// that is gone. Ports that are set are never changed.
/// </summary>
public sealed class DevelopmentPorts
{
    public const string FileName = "ports.json";
    public const int DefaultHttpPort = 8787;

    private readonly int _preferredHttpPort;

    private DevelopmentPorts(int? http, int preferredHttpPort)
    {
        Http = http;
        _preferredHttpPort = preferredHttpPort;
    }

    /// <summary>The port of the default URL; null when <c>ASPNETCORE_URLS</c> (or <c>--urls</c>) is set.</summary>
    public int? Http { get; }

    /// <summary>The URL to listen on when none is set: <c>http://127.0.0.1:8787</c>, or another port when 8787 was in use.</summary>
    public string? DefaultUrl => Http is { } port ? $"http://127.0.0.1:{port}" : null;

    /// <summary>8787 was in use, so the default URL is on another port.</summary>
    public bool HttpMoved => Http is { } port && port != _preferredHttpPort;

    /// <summary>
    /// Fills in the Orleans ports that are unset and chooses the default URL's port, then checks that every port this
    /// run will listen on is free.
    /// </summary>
    /// <param name="configuredUrls">The URLs set for the run; null or empty when it is up to the run.</param>
    /// <param name="preferredHttpPort">The port the default URL takes when free: 8787 (tests choose another).</param>
    /// <exception cref="StartRefusedException">A port that is set is in use.</exception>
    public static DevelopmentPorts Assign(
        string dataFolder, SecretsStoreHostOptions options, HostRole role, string? configuredUrls, int preferredHttpPort = DefaultHttpPort)
    {
        var path = Path.Combine(dataFolder, FileName);
        var recorded = Read(path);
        var orleans = options.Orleans;
        var choose = new Choice(
            Http: string.IsNullOrEmpty(configuredUrls),
            Silo: role != HostRole.Gateway && orleans.SiloPort is null,
            Gateway: role == HostRole.Silo && orleans.GatewayPort is null);

        // Chosen on every address, so that each is free wherever its listener binds.
        var wanted = new List<int>();
        if (choose.Http)
        {
            wanted.Add(PortPicker.Problem(IPAddress.Any, preferredHttpPort) is null ? preferredHttpPort : recorded.Http ?? 0);
        }

        if (choose.Silo)
        {
            wanted.Add(recorded.Silo ?? 0);
        }

        if (choose.Gateway)
        {
            wanted.Add(recorded.Gateway ?? 0);
        }

        var picked = new Queue<int>(PortPicker.Pick(IPAddress.Any, wanted));
        int? http = choose.Http ? picked.Dequeue() : null;
        orleans.SiloPort = choose.Silo ? picked.Dequeue() : orleans.SiloPort;
        orleans.GatewayPort = choose.Gateway ? picked.Dequeue() : orleans.GatewayPort;

        var record = new Record(
            http is { } moved && moved != preferredHttpPort ? moved : recorded.Http,
            choose.Silo ? orleans.SiloPort : recorded.Silo,
            choose.Gateway ? orleans.GatewayPort : recorded.Gateway);
        if (record != recorded)
        {
            File.WriteAllText(path, JsonSerializer.Serialize(record, RecordJson) + "\n");
        }

        var ports = new DevelopmentPorts(http, preferredHttpPort);
        ListeningPorts.RefuseBusy(options, role, string.IsNullOrEmpty(configuredUrls) ? ports.DefaultUrl! : configuredUrls);
        return ports;
    }

    private static Record Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<Record>(File.ReadAllText(path), RecordJson) ?? Record.None : Record.None;
        }
        catch (JsonException)
        {
            return Record.None; // only a preference: a damaged file costs a new choice, nothing else
        }
    }

    private static readonly JsonSerializerOptions RecordJson = new() { WriteIndented = true };

    private sealed record Choice(bool Http, bool Silo, bool Gateway);

    private sealed record Record(
        [property: JsonPropertyName("http")] int? Http,
        [property: JsonPropertyName("silo")] int? Silo,
        [property: JsonPropertyName("gateway")] int? Gateway)
    {
        public static readonly Record None = new(null, null, null);
    }
}
