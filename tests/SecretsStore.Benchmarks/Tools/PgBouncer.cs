using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace SecretsStore.Benchmarks.Tools;

/// <summary>
/// Debian's PgBouncer in transaction pooling in front of a PostgreSQL server, as operators run it
/// (deploy/README.md, "PgBouncer"): every database of the server under the same name (a <c>*</c> entry), SCRAM for
/// clients and for the server, and a pool of server connections per database and role. It runs as the
/// <c>postgres</c> user when started as root (it refuses to run as root), from a private folder. The tests and the
/// benchmark start it.
/// </summary>
public sealed class PgBouncer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private PgBouncer(Process process, string folder, int port)
    {
        _process = process;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The same login and database as <paramref name="direct"/>, through the pooler.</summary>
    public string Route(string direct) => new NpgsqlConnectionStringBuilder(direct) { Host = "127.0.0.1", Port = Port }.ConnectionString;

    /// <summary>Whether a connection string goes through this pooler.</summary>
    public bool Routes(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).Port == Port;

    /// <summary>
    /// Starts one in front of the server <paramref name="direct"/> reaches, letting in its login and those of
    /// <paramref name="logins"/> (connection strings to that server: their user names and passwords).
    /// </summary>
    /// <param name="poolSize">Server connections per database and role (PgBouncer's <c>default_pool_size</c>).</param>
    public static async Task<PgBouncer> StartAsync(string direct, int poolSize, params string[] logins)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("PgBouncer is started from Debian's package, on Linux.");
        }

        var server = new NpgsqlConnectionStringBuilder(direct);
        var folder = Path.Combine(Path.GetTempPath(), $"secretsstore-pgbouncer-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var port = FreePorts.Next();
        var users = logins.Append(direct).Select(l => new NpgsqlConnectionStringBuilder(l)).DistinctBy(l => l.Username)
            .Select(l => $"\"{l.Username}\" \"{l.Password!.Replace("\"", "\"\"", StringComparison.Ordinal)}\"");
        await File.WriteAllLinesAsync(Path.Combine(folder, "userlist.txt"), users);
        await File.WriteAllTextAsync(Path.Combine(folder, "pgbouncer.ini"), Configuration(folder, port, poolSize, server));
        var asPostgres = Environment.IsPrivilegedProcess;
        if (asPostgres)
        {
            using var chown = Process.Start("chown", ["-R", "postgres:postgres", folder])!;
            await chown.WaitForExitAsync();
        }

        var start = new ProcessStartInfo(FindExecutable()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asPostgres)
        {
            start.ArgumentList.Add("--user=postgres");
        }

        start.ArgumentList.Add(Path.Combine(folder, "pgbouncer.ini"));
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start pgbouncer.");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var bouncer = new PgBouncer(process, folder, port);
        await bouncer.WaitUntilListeningAsync(output);
        return bouncer;
    }

    /// <summary>
    /// Transaction pooling; no reset query (transaction mode runs none: a client's session state would be lost with
    /// its transaction anyway, which is why the service keeps none); Npgsql's startup parameters are all ones
    /// PgBouncer tracks itself, so none is ignored.
    /// </summary>
    private static string Configuration(string folder, int port, int poolSize, NpgsqlConnectionStringBuilder server) => string.Create(CultureInfo.InvariantCulture, $"""
        [databases]
        * = host={server.Host} port={server.Port}

        [pgbouncer]
        listen_addr = 127.0.0.1
        listen_port = {port}
        unix_socket_dir =
        auth_type = scram-sha-256
        auth_file = {Path.Combine(folder, "userlist.txt")}
        pool_mode = transaction
        default_pool_size = {poolSize}
        max_client_conn = 2000
        server_idle_timeout = 30
        logfile = {Path.Combine(folder, "pgbouncer.log")}
        pidfile = {Path.Combine(folder, "pgbouncer.pid")}
        """);

    /// <summary>Debian installs it in /usr/sbin, which a non-root user's PATH lacks.</summary>
    private static string FindExecutable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin").Select(dir => Path.Combine(dir, "pgbouncer")).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("pgbouncer is not installed: run scripts/ensure-prerequisites.sh");

    private async Task WaitUntilListeningAsync(StringBuilder output)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"pgbouncer exited with {_process.ExitCode}: {Said(output)}{Log()}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"pgbouncer did not listen within 30 s: {Said(output)}{Log()}");
    }

    /// <summary>Its log, for a failure message.</summary>
    public string Log()
    {
        var log = Path.Combine(_folder, "pgbouncer.log");
        return File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(30)) : "(no log)";
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // Its clients are done, and it keeps nothing that needs flushing.
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private static string Said(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
