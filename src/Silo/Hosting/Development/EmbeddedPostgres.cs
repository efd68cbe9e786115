using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace SecretsStore.Silo.Hosting.Development;

/// <summary>
/// A private PostgreSQL server for development runs and tests: initialised on first use under a
/// folder of its own, listening on 127.0.0.1 only, where every connection needs a password
/// (<c>scram-sha-256</c>, over TCP and the Unix socket alike). Two roles log in: the superuser, which
/// creates and migrates databases (the owner), and <see cref="RuntimeRole"/>, which a development run
/// serves as. Their passwords are made on first use and kept in owner-only files of the folder, so
/// another local user can neither connect nor read them.
/// </summary>
/// <remarks>
/// Layout of the folder: <c>pgdata/</c> (the cluster), <c>socket/</c> (its Unix socket, kept out of
/// /var/run so no system service is needed), <c>postgres.log</c>, <c>port</c> (the port last used,
/// so a restarted run keeps its connection string), and <c>superuser.password</c> and
/// <c>runtime.password</c>. One folder belongs to one process at a time. A folder made before
/// passwords (trust authentication, which let every local user in as the superuser) is upgraded on
/// its next start, before the server listens again (<see cref="EmbeddedPostgresPasswords"/>).
/// </remarks>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    internal const string SuperUser = "postgres";

    /// <summary>The role a development run serves as: it may append to the audit trail, never change it.</summary>
    public const string RuntimeRole = "secretsstore_runtime";

    public const string SuperUserPasswordFile = "superuser.password";
    public const string RuntimePasswordFile = "runtime.password";

    /// <summary>Enough for several silos and the test suite's many short-lived services on one server.</summary>
    public const int MaxConnections = 300;

    private readonly string _binDirectory;
    private readonly string _dataDirectory;
    private readonly string _databaseName;
    private readonly EmbeddedPostgresPasswords _passwords;
    private bool _running;

    private EmbeddedPostgres(string binDirectory, string rootDirectory, string databaseName, EmbeddedPostgresPasswords passwords)
    {
        _binDirectory = binDirectory;
        RootDirectory = rootDirectory;
        _dataDirectory = Path.Combine(rootDirectory, "pgdata");
        _databaseName = databaseName;
        _passwords = passwords;
    }

    public string RootDirectory { get; }

    /// <summary>Where the server's Unix socket is (owner-only, like the rest of the folder).</summary>
    public string SocketDirectory => Path.Combine(RootDirectory, "socket");

    public int Port { get; private set; }

    /// <summary>Connection string for the database named at start (it is not created here).</summary>
    public string ConnectionString => ConnectionStringFor(_databaseName);

    // initdb refuses to run as root, and a root-owned cluster could not be started by anyone else.
    private static bool RunAsPostgresUser => Environment.IsPrivilegedProcess;

    /// <summary>The server runs as <see cref="SuperUser"/>, another user than this process, which must be able to reach its folder.</summary>
    internal static bool RunsAsAnotherUser => RunAsPostgresUser;

    public static async Task<EmbeddedPostgres> StartAsync(
        string rootDirectory, string databaseName = "secretsstore", CancellationToken ct = default)
    {
        rootDirectory = Path.GetFullPath(rootDirectory);
        var passwords = await PrepareFolderAsync(rootDirectory, ct);

        var server = new EmbeddedPostgres(FindBinDirectory(), rootDirectory, databaseName, passwords);
        var initialised = await server.InitialiseIfNewAsync(ct);
        await server.StopLeftoverOfKilledRunAsync(ct);
        if (!initialised)
        {
            await server._passwords.UpgradeTrustingClusterAsync(server, server._dataDirectory, ct);
        }

        server.Port = PickPort(rootDirectory);
        await server.StartServerAsync(ct);
        await server._passwords.EnsureRuntimeRoleAsync(server.ConnectionStringFor("postgres"), ct);
        return server;
    }

    /// <summary>The superuser's connection to a database: the owner, which creates and migrates it.</summary>
    public string ConnectionStringFor(string databaseName) => LoginFor(databaseName, SuperUser, _passwords.SuperUser);

    /// <summary><see cref="RuntimeRole"/>'s connection to a database: what a process serving requests connects as.</summary>
    public string RuntimeConnectionStringFor(string databaseName) => LoginFor(databaseName, RuntimeRole, _passwords.Runtime);

    private string LoginFor(string databaseName, string user, string password) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = user,
        Password = password,
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

    private static async Task<EmbeddedPostgresPasswords> PrepareFolderAsync(string rootDirectory, CancellationToken ct)
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
        // Made before the chown below, so that initdb (run as postgres when we are root) can read the superuser's.
        var passwords = EmbeddedPostgresPasswords.ReadOrMake(rootDirectory);

        if (RunAsPostgresUser)
        {
            var chown = await ProcessRunner.RunAsync("chown", ["-R", $"{SuperUser}:{SuperUser}", rootDirectory], ct);
            if (chown.ExitCode != 0)
            {
                throw new InvalidOperationException($"chown failed: {chown.Output}");
            }
        }

        return passwords;
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
            ?? throw new StartRefusedException("No PostgreSQL server binaries found (looked in /usr/lib/postgresql/*/bin and on PATH): install the postgresql package (scripts/ensure-prerequisites.sh does), or put its bin/ on PATH.");
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

    /// <summary>Answers whether it made the cluster (with the superuser's password in place from the start).</summary>
    private async Task<bool> InitialiseIfNewAsync(CancellationToken ct)
    {
        if (File.Exists(Path.Combine(_dataDirectory, "PG_VERSION")))
        {
            return false;
        }

        // Loopback alone is no protection: every local user can reach 127.0.0.1, so every connection needs a password.
        await RunAsync("initdb",
        [
            "-D", _dataDirectory, "-U", SuperUser, "--auth=scram-sha-256", $"--pwfile={Path.Combine(RootDirectory, SuperUserPasswordFile)}",
            "--encoding=UTF8", "--locale=C",
        ], ct);
        return true;
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
        var socketDirectory = SocketDirectory;
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
            var log = Path.Combine(RootDirectory, "postgres.log");
            throw new StartRefusedException(
                $"PostgreSQL under {RootDirectory} did not start (pg_ctl: {LastLine(result.Output)}); its log, {log}, ends: {LastLine(LogTail())}");
        }

        _running = true;
    }

    private static string LastLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(nothing)";

    private string LogTail()
    {
        var log = Path.Combine(RootDirectory, "postgres.log");
        return File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(20)) : "(no log)";
    }

    /// <summary>Runs one of PostgreSQL's programs, as the postgres user when we are root.</summary>
    internal async Task<ProcessRunner.Result> RunAsync(
        string tool, IReadOnlyList<string> arguments, CancellationToken ct, bool throwOnFailure = true, string? input = null)
    {
        var executable = Path.Combine(_binDirectory, tool);
        var result = RunAsPostgresUser
            ? await ProcessRunner.RunAsync("runuser", ["-u", SuperUser, "--", executable, .. arguments], ct, input)
            : await ProcessRunner.RunAsync(executable, arguments, ct, input);

        if (throwOnFailure && result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} failed with exit code {result.ExitCode}: {result.Output}");
        }

        return result;
    }
}
