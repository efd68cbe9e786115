using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace SecretsStore.Silo.Hosting.Development;

/// <summary>
/// A private PostgreSQL server for development runs and tests: initialised on first use under a
/// folder of its own, listening on 127.0.0.1 only, with trust authentication.
/// </summary>
/// <remarks>
/// Layout of the folder: <c>pgdata/</c> (the cluster), <c>socket/</c> (its Unix socket, kept out of
/// /var/run so no system service is needed), <c>postgres.log</c> and <c>port</c> (the port last used,
/// so a restarted run keeps its connection string). One folder belongs to one process at a time.
/// </remarks>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    private const string SuperUser = "postgres";

    /// <summary>Enough for several silos and the test suite's many short-lived services on one server.</summary>
    public const int MaxConnections = 300;

    private readonly string _binDirectory;
    private readonly string _dataDirectory;
    private readonly string _databaseName;
    private bool _running;

    private EmbeddedPostgres(string binDirectory, string rootDirectory, string databaseName)
    {
        _binDirectory = binDirectory;
        RootDirectory = rootDirectory;
        _dataDirectory = Path.Combine(rootDirectory, "pgdata");
        _databaseName = databaseName;
    }

    public string RootDirectory { get; }

    public int Port { get; private set; }

    /// <summary>Connection string for the database named at start (it is not created here).</summary>
    public string ConnectionString => ConnectionStringFor(_databaseName);

    // initdb refuses to run as root, and a root-owned cluster could not be started by anyone else.
    private static bool RunAsPostgresUser => Environment.IsPrivilegedProcess;

    public static async Task<EmbeddedPostgres> StartAsync(
        string rootDirectory, string databaseName = "secretsstore", CancellationToken ct = default)
    {
        rootDirectory = Path.GetFullPath(rootDirectory);
        await PrepareFolderAsync(rootDirectory, ct);

        var server = new EmbeddedPostgres(FindBinDirectory(), rootDirectory, databaseName);
        await server.InitialiseIfNewAsync(ct);
        await server.StopLeftoverOfKilledRunAsync(ct);
        server.Port = PickPort(rootDirectory);
        await server.StartServerAsync(ct);
        return server;
    }

    public string ConnectionStringFor(string databaseName) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = SuperUser,
        Database = databaseName,
    }.ConnectionString;

    public async Task StopAsync(CancellationToken ct = default)
    {
        if (!_running)
        {
            return;
        }

        await RunAsync("pg_ctl", ["-D", _dataDirectory, "-m", "fast", "-w", "stop"], ct);
        _running = false;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private static async Task PrepareFolderAsync(string rootDirectory, CancellationToken ct)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The embedded PostgreSQL relies on Unix permissions and tools.");
        }

        Directory.CreateDirectory(rootDirectory);
        Directory.CreateDirectory(Path.Combine(rootDirectory, "socket"));

        // PostgreSQL insists on a private data folder; the rest of the folder holds nothing public either.
        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        File.SetUnixFileMode(rootDirectory, OwnerOnly);
        File.SetUnixFileMode(Path.Combine(rootDirectory, "socket"), OwnerOnly);

        if (RunAsPostgresUser)
        {
            var chown = await ProcessRunner.RunAsync("chown", ["-R", $"{SuperUser}:{SuperUser}", rootDirectory], ct);
            if (chown.ExitCode != 0)
            {
                throw new InvalidOperationException($"chown failed: {chown.Output}");
            }
        }
    }

    /// <summary>The folder of PostgreSQL's programs (pg_ctl, pg_dump, pgbench…): Debian keeps them off PATH, one folder per major version.</summary>
    public static string FindBinDirectory()
    {
        var versioned = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(dir => (Dir: dir, Version: decimal.TryParse(Path.GetFileName(dir), NumberStyles.Number, CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(candidate => candidate.Version >= 0 && File.Exists(Path.Combine(candidate.Dir, "bin", "pg_ctl")))
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => Path.Combine(candidate.Dir, "bin"))
                .FirstOrDefault()
            : null;

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(dir => File.Exists(Path.Combine(dir, "pg_ctl")));

        return versioned ?? onPath
            ?? throw new InvalidOperationException("No PostgreSQL server binaries found (looked in /usr/lib/postgresql/*/bin and on PATH). Install the postgresql package.");
    }

    private static int PickPort(string rootDirectory)
    {
        var portFile = Path.Combine(rootDirectory, "port");
        if (File.Exists(portFile)
            && int.TryParse(File.ReadAllText(portFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var recorded)
            && IsFree(recorded))
        {
            return recorded;
        }

        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        File.WriteAllText(portFile, port.ToString(CultureInfo.InvariantCulture));
        return port;
    }

    private static bool IsFree(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private async Task InitialiseIfNewAsync(CancellationToken ct)
    {
        if (File.Exists(Path.Combine(_dataDirectory, "PG_VERSION")))
        {
            return;
        }

        // Trust is acceptable only because the server listens on loopback and a private socket folder.
        await RunAsync("initdb", ["-D", _dataDirectory, "-U", SuperUser, "--auth=trust", "--encoding=UTF8", "--locale=C"], ct);
    }

    // A killed run leaves either its server still running on this folder (we restart it so that it
    // gets this run's port and options) or a postmaster.pid naming a process that is gone, which
    // can make the new server refuse to start when that PID has been reused.
    private async Task StopLeftoverOfKilledRunAsync(CancellationToken ct)
    {
        var pidFile = Path.Combine(_dataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return;
        }

        var status = await RunAsync("pg_ctl", ["-D", _dataDirectory, "status"], ct, throwOnFailure: false);
        if (status.ExitCode == 0 && IsPostgresProcess(File.ReadLines(pidFile).FirstOrDefault()))
        {
            await RunAsync("pg_ctl", ["-D", _dataDirectory, "-m", "fast", "-w", "stop"], ct);
        }
        else
        {
            File.Delete(pidFile);
        }
    }

    // pg_ctl only checks that the PID is alive; make sure it is not some other process reusing it.
    private static bool IsPostgresProcess(string? pidLine)
    {
        if (!int.TryParse(pidLine, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return process.ProcessName is "postgres" or "postmaster";
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
    }

    private async Task StartServerAsync(CancellationToken ct)
    {
        var socketDirectory = Path.Combine(RootDirectory, "socket");
        // pg_ctl hands these to a shell, hence the quotes around the path.
        // Room for a local cluster (see deploy/README.md, "Connections"): each process opens at most
        // DatabaseConnections.PerProcess connections, 28 by default.
        var serverOptions = $"-p {Port} -k \"{socketDirectory}\" -c listen_addresses=127.0.0.1 -c max_connections={MaxConnections}";
        var result = await RunAsync(
            "pg_ctl",
            ["-D", _dataDirectory, "-l", Path.Combine(RootDirectory, "postgres.log"), "-o", serverOptions, "-w", "-t", "60", "start"],
            ct,
            throwOnFailure: false);

        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"PostgreSQL did not start: {result.Output}\n{LogTail()}");
        }

        _running = true;
    }

    private string LogTail()
    {
        var log = Path.Combine(RootDirectory, "postgres.log");
        return File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(20)) : "(no log)";
    }

    private async Task<ProcessRunner.Result> RunAsync(
        string tool, IReadOnlyList<string> arguments, CancellationToken ct, bool throwOnFailure = true)
    {
        var executable = Path.Combine(_binDirectory, tool);
        var result = RunAsPostgresUser
            ? await ProcessRunner.RunAsync("runuser", ["-u", SuperUser, "--", executable, .. arguments], ct)
            : await ProcessRunner.RunAsync(executable, arguments, ct);

        if (throwOnFailure && result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} failed with exit code {result.ExitCode}: {result.Output}");
        }

        return result;
    }
}
