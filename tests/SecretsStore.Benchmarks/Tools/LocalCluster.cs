using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SecretsStore.Benchmarks.Tools;

/// <summary>
/// The service as separate processes of the run command's binary on one database: silos behind one standalone gateway
/// (<c>SecretsStore:Role</c> silo and gateway), or one combined process. Each is a process of its own so that its CPU
/// is its own, as in a deployment; the scenario reads their processor time.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private readonly List<Process> _silos = [];
    private readonly StringBuilder _output = new();
    private Process? _front;

    private LocalCluster(Uri baseAddress, string adminToken)
    {
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
        Client = new ServiceClient(Http, adminToken);
    }

    /// <summary>Where the HTTP API answers: the gateway, or the combined process.</summary>
    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public ServiceClient Client { get; }

    /// <summary>Processor time of every process of the cluster so far.</summary>
    public TimeSpan ProcessorTime => All.Sum(p =>
    {
        p.Refresh();
        return p.TotalProcessorTime.Ticks;
    }) is var ticks ? TimeSpan.FromTicks(ticks) : TimeSpan.Zero;

    private IEnumerable<Process> All => _front is null ? _silos : _silos.Prepend(_front);

    /// <param name="silos">Silo-only processes behind one gateway; 0 for one combined process.</param>
    /// <param name="extraArgs">Settings for every process, after (so over) the cluster's TLS certificates.</param>
    public static async Task<LocalCluster> StartAsync(BenchmarkContext context, int silos, params string[] extraArgs)
    {
        var connectionString = await context.NewDatabaseAsync("scale");
        var adminToken = ServiceUnderTest.NewKey();
        var masterKey = ServiceUnderTest.NewKey();
        var cluster = $"scale-{Guid.NewGuid():N}";
        var front = new Uri($"http://127.0.0.1:{FreePorts.Next()}");
        var local = new LocalCluster(front, adminToken);
        try
        {
            string[] shared =
            [
                $"--ConnectionStrings:Postgres={context.RuntimeConnectionStringFor(connectionString)}",
                $"--Orleans:ClusterId={cluster}",
                $"--SecretsStore:AdminToken={adminToken}",
                "--SecretsStore:RateLimit:Requests=1000000000",
                "--SecretsStore:RateLimit:FailedAuthentications=1000000000",
                "--SecretsStore:RateLimit:FailedAuthenticationDelay=00:00:00",
                .. BenchmarkClusterCertificates.Args,
                .. extraArgs,
            ];
            // The silos migrate as the owner; a gateway never does, so it gets the runtime's connection only.
            string[] silo = [.. shared, $"--ConnectionStrings:PostgresOwner={connectionString}", $"--SecretsStore:MasterKey={masterKey}", $"--Orleans:SiloPort={FreePorts.Next()}", $"--Orleans:GatewayPort={FreePorts.Next()}"];
            if (silos == 0)
            {
                local._front = await local.LaunchAsync(front, [.. silo, "--SecretsStore:Role=combined"]);
                return local;
            }

            await Task.WhenAll(Enumerable.Range(0, silos).Select(async _ =>
            {
                var process = await local.LaunchAsync(new Uri($"http://127.0.0.1:{FreePorts.Next()}"),
                [
                    .. shared, $"--ConnectionStrings:PostgresOwner={connectionString}", $"--SecretsStore:MasterKey={masterKey}", $"--Orleans:SiloPort={FreePorts.Next()}",
                    $"--Orleans:GatewayPort={FreePorts.Next()}", "--SecretsStore:Role=silo",
                ]);
                lock (local._silos)
                {
                    local._silos.Add(process);
                }
            }));
            local._front = await local.LaunchAsync(front, [.. shared, "--SecretsStore:Role=gateway"]);
            return local;
        }
        catch
        {
            await local.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGTERM to the front first, then to the silos, and waits for every process to exit.</summary>
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_front is not null)
        {
            await StopAsync(_front);
        }

        await Task.WhenAll(_silos.Select(StopAsync));
    }

    private async Task<Process> LaunchAsync(Uri url, IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SecretsStore.Silo.dll"));
        start.ArgumentList.Add($"--urls={url}");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the service process.");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var probe = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(5) };
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromMinutes(2))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"A service process exited with {process.ExitCode}:\n{_output}");
            }

            try
            {
                if ((await probe.GetAsync("/readyz")).IsSuccessStatusCode)
                {
                    return process;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        process.Kill();
        throw new TimeoutException($"A service process was not ready within two minutes:\n{_output}");
    }

    private static async Task StopAsync(Process process)
    {
        if (!process.HasExited)
        {
            using var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync();
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
            }
        }

        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
