using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace SecretsStore.Tests.Infrastructure;

/// <summary>
/// The service as a real process (the run command's binary, silo and gateway), so a test can SIGTERM or SIGKILL it.
/// It joins whatever cluster shares its database and cluster id.
/// </summary>
public sealed partial class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private readonly IReadOnlyList<string> _args;

    private SiloProcess(Process process, Uri? baseAddress, IReadOnlyList<string> args)
    {
        _process = process;
        _given = baseAddress;
        _baseAddress = baseAddress;
        _args = args;
    }

    /// <summary>The address it was told to listen on; null when it chooses one itself.</summary>
    private readonly Uri? _given;

    private Uri? _baseAddress;

    /// <summary>Where it serves HTTP: as it was told, or, for a run that chose its own port, as its banner says once ready.</summary>
    public Uri BaseAddress => _baseAddress ?? throw new InvalidOperationException($"The process has not said where it listens yet:\n{Output}");

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>What the process printed, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static Task<SiloProcess> StartAsync(TestHostSettings settings, string clusterId, params string[] extraArgs)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        return StartAsync(baseAddress,
        [
            .. settings.DatabaseArgs,
            $"--urls={baseAddress}",
            $"--Orleans:ClusterId={clusterId}",
            $"--Orleans:SiloPort={FreePort.Next()}",
            $"--Orleans:GatewayPort={FreePort.Next()}",
            $"--SecretsStore:MasterKey={settings.MasterKey}",
            $"--SecretsStore:AdminToken={settings.AdminToken}",
            "--SecretsStore:RateLimit:Requests=1000000000",
            "--SecretsStore:RateLimit:FailedAuthentications=1000000000",
            "--SecretsStore:RateLimit:FailedAuthenticationDelay=00:00:00",
            .. TestClusterCertificates.Args,
            .. extraArgs,
        ]);
    }

    /// <summary>A development run, as the run command starts it: its own PostgreSQL and credentials under the folder.</summary>
    /// <param name="siloPorts">The silo and gateway ports; the run command always uses the same two, so a restart replaces its old silo.</param>
    public static Task<SiloProcess> StartDevelopmentRunAsync(string dataFolder, (int Silo, int Gateway)? siloPorts = null)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var (silo, gateway) = siloPorts ?? (FreePort.Next(), FreePort.Next());
        return StartAsync(baseAddress,
        [
            $"--SECRETSSTORE_DATA={dataFolder}",
            $"--urls={baseAddress}",
            $"--Orleans:SiloPort={silo}",
            $"--Orleans:GatewayPort={gateway}",
        ]);
    }

    /// <summary>
    /// A development run given no port at all, as <c>./scripts/run.sh</c> starts it: it chooses its HTTP port (8787 when
    /// free) and its silo port, and says in its banner where it listens.
    /// </summary>
    public static Task<SiloProcess> StartDevelopmentRunWithoutPortsAsync(string dataFolder) =>
        StartAsync(baseAddress: null, [$"--SECRETSSTORE_DATA={dataFolder}"]);

    /// <summary>A development run that is expected to give up: answers its exit code and what it printed.</summary>
    public static Task<(int ExitCode, string Output, TimeSpan Took)> RunDevelopmentRunToExitAsync(string dataFolder, TimeSpan timeout) =>
        RunToExitAsync([$"--SECRETSSTORE_DATA={dataFolder}", $"--urls=http://127.0.0.1:{FreePort.Next()}"], timeout);

    /// <summary>A start that is expected to give up: answers its exit code and what it printed.</summary>
    public static async Task<(int ExitCode, string Output, TimeSpan Took)> RunToExitAsync(IEnumerable<string> args, TimeSpan timeout)
    {
        var timer = Stopwatch.StartNew();
        await using var silo = Launch(baseAddress: null, args);
        using var cancel = new CancellationTokenSource(timeout);
        await silo._process.WaitForExitAsync(cancel.Token);
        silo._process.WaitForExit(); // drains the redirected output
        return (silo._process.ExitCode, silo.Output, timer.Elapsed);
    }

    /// <summary>Waits for the process to end by itself (after a SIGTERM, say) and answers its exit code, all its output read.</summary>
    public async Task<int> WaitForExitCodeAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    private static async Task<SiloProcess> StartAsync(Uri? baseAddress, IEnumerable<string> args)
    {
        var silo = Launch(baseAddress, args);
        await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        return silo;
    }

    /// <summary>
    /// A restart as an orchestrator does one: SIGTERM, wait for the exit, start the same command again (same ports and
    /// cluster) and wait until it is ready. Answers the new process and how long this one took to exit.
    /// </summary>
    public async Task<(SiloProcess Restarted, TimeSpan Exit)> RestartAsync()
    {
        var exit = await TerminateAsync(TimeSpan.FromSeconds(60));
        await DisposeAsync();
        return (await StartAsync(_given, _args), exit);
    }

    private static SiloProcess Launch(Uri? baseAddress, IEnumerable<string> args)
    {
        var argList = args.ToList();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SecretsStore.Silo.dll"));
        argList.ForEach(start.ArgumentList.Add);
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the silo process.");
        var silo = new SiloProcess(process, baseAddress, argList);
        process.OutputDataReceived += (_, e) => silo.Append(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>kill -9: no shutdown of any kind.</summary>
    public void Kill() => _process.Kill();

    /// <summary>SIGTERM, as systemd, docker and Kubernetes send it; answers how long the process took to exit.</summary>
    public async Task<TimeSpan> TerminateAsync(TimeSpan timeout)
    {
        var timer = Stopwatch.StartNew();
        await SendTerminateAsync();
        return await WaitForExitAsync(timeout, timer);
    }

    /// <summary>SIGTERM without waiting for the exit.</summary>
    public async Task SendTerminateAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
    }

    /// <summary>Waits for the process to end; answers the time since <paramref name="since"/> started.</summary>
    public async Task<TimeSpan> WaitForExitAsync(TimeSpan timeout, Stopwatch since)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return since.Elapsed;
    }

    /// <summary>Stops the process gracefully if it still runs (a development run then stops its PostgreSQL), else kills it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await TerminateAsync(TimeSpan.FromSeconds(30));
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (_baseAddress is null && deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The silo process exited with {_process.ExitCode}:\n{Output}");
            }

            if (Listening().Match(Output) is { Success: true } banner)
            {
                _baseAddress = new Uri(banner.Groups[1].Value);
                break;
            }

            await Task.Delay(100);
        }

        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The silo process exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                if ((await http.GetAsync("/readyz")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or System.Net.Sockets.SocketException)
            {
                // Not listening yet (a connection closed as it opened reaches us unwrapped).
            }
            catch (TaskCanceledException)
            {
                // Starting up.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The silo process was not ready within {timeout}:\n{Output}");
    }

    /// <summary>The banner's first line: "SecretsStore is listening on URL (…)", or "SecretsStore silo is up (…); URL/healthz".</summary>
    [GeneratedRegex(@"is (?:listening on|up \([^)]*\);) (http://[^\s/]+)")]
    private static partial Regex Listening();

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
