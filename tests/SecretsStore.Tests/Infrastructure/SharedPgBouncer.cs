using SecretsStore.Benchmarks.Tools;

namespace SecretsStore.Tests.Infrastructure;

/// <summary>
/// One <see cref="PgBouncer"/> in front of <see cref="SharedPostgres"/> for the whole run, started on first use and
/// stopped when the test process exits. With <see cref="EnvironmentVariable"/> set to 1, every service a test starts
/// on a database of the shared server serves through it (<see cref="TestHostSettings.For(string)"/>): that runs any
/// part of the suite, or all of it, through PgBouncer on demand (tests/README.md).
/// </summary>
public static class SharedPgBouncer
{
    public const string EnvironmentVariable = "SECRETSSTORE_TEST_PGBOUNCER";

    /// <summary>Server connections per database and role: fewer than one silo opens (its pool of 20 and Orleans' 8), so its transactions take turns on them.</summary>
    public const int PoolSize = 8;

    private static readonly Lazy<Task<PgBouncer>> Bouncer = new(StartAsync);

    /// <summary>Whether this run serves every shared-server database through PgBouncer.</summary>
    public static bool Everywhere => Environment.GetEnvironmentVariable(EnvironmentVariable) == "1";

    public static Task<PgBouncer> InstanceAsync() => Bouncer.Value;

    /// <summary>The runtime's connection string as the service should get it: through PgBouncer when the run asks.</summary>
    public static string RouteIfAsked(string runtime) => Everywhere ? Bouncer.Value.GetAwaiter().GetResult().Route(runtime) : runtime;

    /// <summary>Whether a connection string goes through the shared PgBouncer (only once it has started).</summary>
    public static bool Routes(string connectionString) =>
        Bouncer.IsValueCreated && Bouncer.Value.IsCompletedSuccessfully && Bouncer.Value.Result.Routes(connectionString);

    private static async Task<PgBouncer> StartAsync()
    {
        var server = await SharedPostgres.ServerAsync();
        var bouncer = await PgBouncer.StartAsync(server.ConnectionStringFor("postgres"), PoolSize, server.RuntimeConnectionStringFor("postgres"));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => bouncer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return bouncer;
    }
}
