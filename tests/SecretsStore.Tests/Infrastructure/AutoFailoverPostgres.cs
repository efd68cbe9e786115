using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using SecretsStore.Persistence;
using SecretsStore.Silo.Hosting.Development;

namespace SecretsStore.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL primary with a synchronous standby, run by pg_auto_failover (Debian's <c>pg-auto-failover-cli</c>
/// and <c>postgresql-15-auto-failover</c>, which scripts/ensure-prerequisites.sh installs): a monitor and two keeper
/// nodes on free loopback ports under a folder of their own, as the <c>postgres</c> user when the tests run as root
/// (PostgreSQL refuses to run as root). The database <c>secretsstore</c> is migrated, with the runtime role granted
/// its privileges; the service reaches whichever node is primary through a multi-host connection string.
/// </summary>
/// <remarks>
/// Only a test's throwaway servers: every connection is trusted on 127.0.0.1 (<c>--auth trust</c>) and nothing is
/// encrypted (<c>--no-ssl</c>). pg_auto_failover's timeouts are tuned for networks that drop packets; on loopback
/// they would make the test wait most of a minute for nothing, so they are shortened, keeping their order:
/// <list type="bullet">
/// <item>The monitor checks the nodes every second and fails a node over once it has been unreachable for two
/// (defaults: 5 s checks, 20 s before a node counts as unhealthy).</item>
/// <item>A primary that can reach neither the monitor nor its standby demotes itself after
/// <see cref="NetworkPartitionTimeout"/> (the keepers' <c>timeout.network_partition_timeout</c>, default 20 s).</item>
/// <item>The promoted standby stays read-only until the monitor is sure of that: <see cref="PrimaryDemoteTimeout"/>
/// after it gave up on the old primary (<c>pgautofailover.primary_demote_timeout</c>, default 30 s), which must be
/// longer than the partition timeout, or an old primary cut off from the monitor could take writes beside the new one.
/// With the defaults, writes resume about 30 s after the promotion, whatever the service does.</item>
/// </list>
/// </remarks>/// </remarks>
public sealed class AutoFailoverPostgres : IAsyncDisposable
{
    private const string Database = "secretsstore";
    private const string MonitorDatabase = "pg_auto_failover";

    /// <summary>A primary cut off from the monitor and its standby this long demotes itself (seconds).</summary>
    public const int NetworkPartitionTimeout = 3;

    /// <summary>The promoted standby takes writes this long after the monitor gave up on the old primary (milliseconds).</summary>
    public const int PrimaryDemoteTimeout = 5000;

    private readonly string _root;
    private readonly string _bin = EmbeddedPostgres.FindBinDirectory();
    private readonly int _monitorPort = FreePort.Next();
    private readonly List<(Process Process, StringBuilder Output)> _keepers = [];
    private readonly string _runtimePassword = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private AutoFailoverPostgres(string root)
    {
        _root = root;
        NodePorts = [FreePort.Next(), FreePort.Next()];
    }

    /// <summary>Each node's port; which one is primary changes with a failover.</summary>
    public IReadOnlyList<int> NodePorts { get; }

    /// <summary>Whether pg_autoctl is installed (scripts/ensure-prerequisites.sh installs it).</summary>
    public static bool Installed =>
        File.Exists("/usr/bin/pg_autoctl") || File.Exists(Path.Combine(EmbeddedPostgres.FindBinDirectory(), "pg_autoctl"));

    /// <summary>The owner's connection (the superuser): whichever node takes writes, as the service is told to find it.</summary>
    public string OwnerConnectionString => ToWritable("postgres", password: null);

    /// <summary>The runtime role's connection, the one the service serves through.</summary>
    public string RuntimeConnectionString => ToWritable(EmbeddedPostgres.RuntimeRole, _runtimePassword);

    private static bool AsRoot => Environment.IsPrivilegedProcess;

    /// <summary>Starts the monitor, then the primary, then the standby, and waits until the standby is synchronous.</summary>
    public static async Task<AutoFailoverPostgres> StartAsync(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "run"));
        var cluster = new AutoFailoverPostgres(root);
        try
        {
            if (AsRoot)
            {
                await RunAsync("chown", "-R", "postgres:postgres", root);
            }

            await cluster.AutoctlAsync("create", "monitor", "--pgdata", cluster.Folder("monitor"), "--pgport", Text(cluster._monitorPort),
                "--hostname", "127.0.0.1", "--listen", "127.0.0.1", "--auth", "trust", "--no-ssl", "--pgctl", Path.Combine(cluster._bin, "pg_ctl"));
            cluster.Keep("run", "--pgdata", cluster.Folder("monitor"));
            await cluster.TuneMonitorAsync();

            // One node at a time, so that the first is the primary and the second clones it.
            cluster.KeepNode(0);
            await cluster.WaitForStatesAsync(["single"]);
            // The standby is cloned with pg_basebackup, which asks the primary for a spread checkpoint: paced at about
            // ten buffers a second, it took over a minute after the primary's initdb. One immediate checkpoint first
            // leaves it nothing to write.
            await SharedPostgres.ExecuteAsync(cluster.NodeConnectionString(0), "CHECKPOINT");
            cluster.KeepNode(1);
            await cluster.WaitForStatesAsync(["primary", "secondary"]);
            foreach (var node in Enumerable.Range(0, cluster.NodePorts.Count))
            {
                // The running keeper is told to reload its configuration.
                await cluster.AutoctlAsync("config", "set", "--pgdata", cluster.Folder(NodeName(node)),
                    "timeout.network_partition_timeout", Text(NetworkPartitionTimeout));
            }

            await cluster.WaitForSynchronousStandbyAsync();

            await DatabaseBootstrap.EnsureDatabaseExistsAsync(cluster.OwnerConnectionString);
            await SharedPostgres.ExecuteAsync(cluster.OwnerConnectionString,
                $"CREATE ROLE {EmbeddedPostgres.RuntimeRole} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD '{cluster._runtimePassword}'");
            await DatabaseMigrator.MigrateAsync(cluster.OwnerConnectionString, EmbeddedPostgres.RuntimeRole);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The port of the node the monitor reports as primary.</summary>
    public async Task<int> PrimaryPortAsync() =>
        (await StatesAsync()).Single(node => node.Reported == "primary" || node.Reported == "wait_primary").Port;

    /// <summary>
    /// kill -9 of the primary's postmaster, and of its keeper with it: a keeper left alive restarts its postmaster
    /// within a second (it supervises it), and the monitor then has nothing to fail over. Killing both is the machine
    /// going away. The keeper is stopped first (SIGSTOP) so that it cannot restart the postmaster in between.
    /// Answers the port of the node killed.
    /// </summary>
    public async Task<int> KillPrimaryAsync()
    {
        var port = await PrimaryPortAsync();
        var pgdata = Folder(NodeName(NodePorts.ToList().IndexOf(port)));
        var keeper = FirstLine(PidFile(pgdata));
        var children = (await RunAsync("pgrep", "-P", keeper)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var postmaster = FirstLine(Path.Combine(pgdata, "postmaster.pid"));
        string[] keepers = [keeper, .. children];
        await RunAsync("kill", ["-STOP", .. keepers]);
        await RunAsync("kill", "-KILL", postmaster);
        await RunAsync("kill", ["-KILL", .. keepers]);
        return port;
    }

    /// <summary>Waits until the node on <paramref name="port"/> is out of recovery: promoted, though perhaps still read-only.</summary>
    public Task WaitUntilPromotedAsync(int port, TimeSpan timeout) =>
        WaitForNodeAsync(port, "SELECT NOT pg_is_in_recovery()", "promoted", timeout);

    /// <summary>
    /// Waits until the node on <paramref name="port"/> takes writes: pg_auto_failover keeps a promoted standby
    /// read-only (<c>default_transaction_read_only</c>) until the old primary must have demoted itself.
    /// </summary>
    public Task WaitUntilWritableAsync(int port, TimeSpan timeout) =>
        WaitForNodeAsync(port, "SELECT NOT pg_is_in_recovery() AND NOT current_setting('default_transaction_read_only')::bool", "writable", timeout);

    private async Task WaitForNodeAsync(int port, string condition, string what, TimeSpan timeout)
    {
        var node = NodeConnectionString(NodePorts.ToList().IndexOf(port));
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(node);
                await connection.OpenAsync();
                await using var check = new NpgsqlCommand(condition, connection);
                if ((bool)(await check.ExecuteScalarAsync())!)
                {
                    return;
                }
            }
            catch (NpgsqlException)
            {
                // Restarting as it is promoted, or not yet reachable.
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"The node on port {port} was not {what} within {timeout}; the monitor reports {string.Join(", ", await StatesAsync())}.\n{Logs()}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>What the keepers and the monitor printed, for failure messages.</summary>
    public string Logs() => string.Join("\n", _keepers.Select(k =>
    {
        lock (k.Output)
        {
            return k.Output.ToString();
        }
    }));

    public async ValueTask DisposeAsync()
    {
        // SIGTERM to each keeper (the monitor's too) stops its PostgreSQL; a killed node has nothing left to stop. Sent
        // to pg_autoctl itself (its pid file), not to runuser, which started it as postgres.
        foreach (var folder in (string[])["monitor", .. NodePorts.Select((_, i) => NodeName(i))])
        {
            var pidFile = PidFile(Folder(folder));
            if (File.Exists(pidFile))
            {
                await RunAsync("kill", "-TERM", FirstLine(pidFile));
            }
        }

        foreach (var (process, _) in _keepers)
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }

        // Backends of a killed postmaster end by themselves once they see it gone; give them that moment.
        NpgsqlConnection.ClearAllPools();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; failing the run over it is not.
        }
    }

    /// <summary>Where pg_autoctl keeps its own process id for a data folder: under XDG_RUNTIME_DIR, by the folder's path.</summary>
    private string PidFile(string pgdata) => Path.Combine(_root, "run", "pg_autoctl", pgdata.TrimStart('/'), "pg_autoctl.pid");

    /// <summary>The superuser's connection to one node, whatever its role, unpooled.</summary>
    private string NodeConnectionString(int node) => new NpgsqlConnectionStringBuilder(OwnerConnectionString)
    {
        Host = "127.0.0.1", Port = NodePorts[node], TargetSessionAttributes = null, Pooling = false, Timeout = 2, Database = "postgres",
    }.ConnectionString;

    private static string NodeName(int node) => $"node{node + 1}";

    private string Folder(string name) => Path.Combine(_root, name);

    private string ToWritable(string user, string? password) => new NpgsqlConnectionStringBuilder
    {
        Host = string.Join(',', NodePorts.Select(p => $"127.0.0.1:{p}")),
        Username = user,
        Password = password,
        Database = Database,
        TargetSessionAttributes = "read-write",
        // Npgsql remembers for this long that a host was down or a standby; the default (10 s) would keep it from
        // the promoted standby for up to 10 s after the promotion.
        HostRecheckSeconds = 1,
    }.ConnectionString;

    private string MonitorConnectionString(string user = "autoctl_node") => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = _monitorPort, Username = user, Database = MonitorDatabase, Pooling = false, Timeout = 5,
    }.ConnectionString;

    private void KeepNode(int node) => Keep(
        "create", "postgres", "--pgdata", Folder(NodeName(node)), "--pgport", Text(NodePorts[node]), "--name", NodeName(node),
        "--hostname", "127.0.0.1", "--listen", "127.0.0.1", "--auth", "trust", "--no-ssl", "--dbname", Database,
        "--pgctl", Path.Combine(_bin, "pg_ctl"),
        "--monitor", $"postgres://autoctl_node@127.0.0.1:{_monitorPort}/{MonitorDatabase}?sslmode=disable", "--run");

    /// <summary>Checks every second; a node unreachable for two (one check that timed out after one) is failed over.</summary>
    private async Task TuneMonitorAsync()
    {
        await WaitAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(MonitorConnectionString("postgres"));
            await connection.OpenAsync();
            return true;
        }, "the monitor to take connections");
        await SharedPostgres.ExecuteAsync(MonitorConnectionString("postgres"),
            "ALTER SYSTEM SET pgautofailover.health_check_period = 1000",
            "ALTER SYSTEM SET pgautofailover.health_check_timeout = 1000",
            "ALTER SYSTEM SET pgautofailover.health_check_max_retries = 1",
            "ALTER SYSTEM SET pgautofailover.health_check_retry_delay = 500",
            "ALTER SYSTEM SET pgautofailover.node_considered_unhealthy_timeout = 2000",
            $"ALTER SYSTEM SET pgautofailover.primary_demote_timeout = {PrimaryDemoteTimeout}",
            "SELECT pg_reload_conf()");
    }

    private async Task WaitForStatesAsync(string[] wanted) => await WaitAsync(async () =>
    {
        var states = await StatesAsync();
        return states.Count == wanted.Length && states.All(s => s.Reported == s.Goal)
            && states.Select(s => s.Reported).Order().SequenceEqual(wanted.Order());
    }, $"the nodes to reach {string.Join(", ", wanted)}");

    /// <summary>The primary lists its standby as synchronous: a commit then waits for the standby's flush.</summary>
    private async Task WaitForSynchronousStandbyAsync() => await WaitAsync(async () =>
    {
        var primary = new NpgsqlConnectionStringBuilder(OwnerConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(primary);
        await connection.OpenAsync();
        await using var synchronous = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_replication WHERE sync_state IN ('sync', 'quorum') AND current_setting('synchronous_commit') = 'on'", connection);
        return (long)(await synchronous.ExecuteScalarAsync())! == 1;
    }, "the standby to be synchronous");

    private async Task<List<NodeState>> StatesAsync()
    {
        await using var connection = new NpgsqlConnection(MonitorConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT nodeport, reportedstate::text, goalstate::text FROM pgautofailover.node ORDER BY nodeport", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var states = new List<NodeState>();
        while (await reader.ReadAsync())
        {
            states.Add(new NodeState(reader.GetInt32(0), reader.GetString(1), reader.GetString(2)));
        }

        return states;
    }

    private async Task WaitAsync(Func<Task<bool>> done, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_keepers.FirstOrDefault(k => k.Process.HasExited) is { Process: { } exited })
            {
                throw new InvalidOperationException($"A pg_autoctl process exited with {exited.ExitCode} while waiting for {what}:\n{Logs()}");
            }

            try
            {
                if (await done())
                {
                    return;
                }
            }
            catch (NpgsqlException)
            {
                // Not up yet.
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(120))
            {
                throw new TimeoutException($"Waited 120 s for {what}:\n{Logs()}");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>pg_autoctl, as the postgres user when root, with its state and runtime files under the folder.</summary>
    private ProcessStartInfo Autoctl(string[] args)
    {
        var start = new ProcessStartInfo(AsRoot ? "runuser" : "env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string[] command =
        [
            .. AsRoot ? ["-u", "postgres", "--", "env"] : Array.Empty<string>(),
            $"XDG_CONFIG_HOME={Folder("config")}", $"XDG_DATA_HOME={Folder("data")}", $"XDG_RUNTIME_DIR={Folder("run")}",
            $"PATH={_bin}:{Environment.GetEnvironmentVariable("PATH")}", "pg_autoctl", .. args,
        ];
        command.ToList().ForEach(start.ArgumentList.Add);
        return start;
    }

    private async Task AutoctlAsync(params string[] args)
    {
        using var process = Process.Start(Autoctl(args))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pg_autoctl {string.Join(' ', args)} exited with {process.ExitCode}:\n{await output}{await errors}");
        }
    }

    /// <summary>A long-running pg_autoctl (the monitor's or a node's keeper), its output kept for failure messages.</summary>
    private void Keep(params string[] args)
    {
        var process = Process.Start(Autoctl(args))!;
        var output = new StringBuilder();
        void Append(string? line)
        {
            if (line is not null)
            {
                lock (output)
                {
                    output.AppendLine(line);
                }
            }
        }

        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _keepers.Add((process, output));
    }

    private static async Task<string> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        args.ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }

    private static string FirstLine(string file) => File.ReadLines(file).First().Trim();

    private static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);

    private sealed record NodeState(int Port, string Reported, string Goal);
}
