using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using SecretsStore.Silo.Hosting;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Hosting;

/// <summary>
/// A start that meets something its starter can put right (a port taken, a setting, a key file, a database it cannot
/// reach) says what and how to fix it in one line, without a stack trace, and exits 1 having started nothing.
/// </summary>
public sealed class StartRefusalTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"secretsstore-refusal-{Guid.NewGuid():N}");

    [Fact]
    public async Task AnHttpAddressThatIsTakenIsRefusedBeforePostgresStartsNamingAspNetCoreUrls()
    {
        using var holder = Listening(out var taken);

        var line = await RefusedInOneLineAsync($"--SECRETSSTORE_DATA={_data}", $"--urls=http://127.0.0.1:{taken}");

        Assert.StartsWith($"http://127.0.0.1:{taken} is in use by another process: stop what holds it, or set ASPNETCORE_URLS", line);
        Assert.False(Directory.Exists(Path.Combine(_data, "postgres")), "no PostgreSQL is made for a start that cannot listen");
    }

    [Fact]
    public async Task ASiloPortThatIsTakenIsRefusedNamingTheSetting()
    {
        using var holder = Listening(out var taken);

        var line = await RefusedInOneLineAsync($"--SECRETSSTORE_DATA={_data}", $"--urls=http://127.0.0.1:{FreePort.Next()}", $"--Orleans:SiloPort={taken}");

        Assert.StartsWith($"Orleans:SiloPort {taken} on 127.0.0.1 is in use by another process: set Orleans__SiloPort to a free port", line);
    }

    [Fact]
    public async Task ASettingOutOfRangeIsRefusedNamingIt()
    {
        var line = await RefusedInOneLineAsync($"--SECRETSSTORE_DATA={_data}", "--Orleans:SiloPort=70000");

        Assert.Equal("Settings refused: Orleans:SiloPort must be a port number (1-65535).", line);
    }

    [Theory]
    [InlineData("-1", "Settings refused: SecretsStore:Audit:Retention is negative (-1.00:00:00): give how long to keep the audit trail, in days (400) or as a duration (400.00:00:00), or 0 to keep everything.")]
    [InlineData("36501", "Settings refused: SecretsStore:Audit:Retention is longer than a century (36501.00:00:00): give at most 36500 days, or 0 to keep everything.")]
    public async Task AnAuditRetentionOutOfRangeIsRefusedNamingTheSettingAndWhatItTakes(string retention, string refusal)
    {
        var line = await RefusedInOneLineAsync($"--SECRETSSTORE_DATA={_data}", $"--SecretsStore:Audit:Retention={retention}");

        Assert.Equal(refusal, line);
    }

    [Fact]
    public async Task ADatabaseThatCannotBeReachedIsRefusedNamingTheConnectionStringButNotItsPassword()
    {
        var nowhere = $"Host=127.0.0.1;Port={FreePort.Next()};Username=someone;Password=not-to-be-printed;Database=never";

        var line = await RefusedInOneLineAsync(
            $"--ConnectionStrings:Postgres={nowhere}",
            $"--urls=http://127.0.0.1:{FreePort.Next()}",
            $"--Orleans:SiloPort={FreePort.Next()}",
            $"--SecretsStore:MasterKey={Convert.ToBase64String(new byte[32])}",
            $"--SecretsStore:AdminToken={new string('a', 40)}",
            "--SecretsStore:Cluster:AllowInsecure=true");

        Assert.StartsWith("The database could not be prepared (ConnectionStrings:Postgres: Host=127.0.0.1;", line);
        Assert.Contains("Username=someone", line);
        Assert.DoesNotContain("not-to-be-printed", line);
    }

    [Fact]
    public void AMasterKeyFileThatCannotBeReadIsRefusedNamingTheSettingAndThePath()
    {
        var missing = Path.Combine(_data, "no-such.key");
        var options = SecretsStoreHostOptions.Read(new ConfigurationBuilder()
            .AddInMemoryCollection([new("SecretsStore:MasterKeyFile", missing)]).Build());

        var refused = Assert.Throws<StartRefusedException>(() => MasterKeySource.Configured(options));

        Assert.StartsWith($"SecretsStore:MasterKeyFile ({missing}) cannot be read: ", refused.Message);
    }

    [Fact]
    public void AMasterKeyThatIsNotOneIsRefusedWithoutQuotingIt()
    {
        const string NotAKey = "c2hvcnQ-not-base64-and-too-short";
        var options = SecretsStoreHostOptions.Read(new ConfigurationBuilder()
            .AddInMemoryCollection([new("SecretsStore:MasterKey", NotAKey)]).Build());

        var refused = Assert.Throws<StartRefusedException>(() => MasterKeySource.Configured(options));

        Assert.Contains("is not base64 of 32 random bytes", refused.Message);
        Assert.DoesNotContain(NotAKey, refused.Message);
    }

    [Fact]
    public void OnlyWhatTheStarterCanPutRightIsSaidInOneLine()
    {
        Assert.Equal("named", StartFailures.OneLine(new StartRefusedException("named")));
        Assert.Contains("Check that path's owner and mode", StartFailures.OneLine(new UnauthorizedAccessException("Access to the path '/x' is denied.")));
        // A fault of the service keeps its stack trace.
        Assert.Null(StartFailures.OneLine(new InvalidOperationException("a bug")));
        Assert.Null(StartFailures.OneLine(new NullReferenceException()));
    }

    private static async Task<string> RefusedInOneLineAsync(params string[] args)
    {
        var (exitCode, output, _) = await SiloProcess.RunToExitAsync(args, TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 1, $"exit code {exitCode}:\n{output}");
        return Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>Another process's listener, on every address, as <c>python3 -m http.server</c> would hold a port.</summary>
    private static TcpListener Listening(out int port)
    {
        var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return listener;
    }

    public void Dispose()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }
}
