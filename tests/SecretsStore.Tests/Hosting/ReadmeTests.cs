using System.Diagnostics;
using SecretsStore.Silo.Hosting;
using SecretsStore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SecretsStore.Tests.Hosting;

/// <summary>
/// Every line of the README runs as written, top to bottom (issue 17). Its shell blocks run in one bash, in order,
/// against a development run started as <c>./scripts/run.sh</c> starts one, from a folder laid out as a clone:
/// <c>.data/</c> is the run's data folder, <c>examples/</c> the repository's. Blocks that cannot run here (the start
/// itself, downloads, containers, systemd) carry a marker the reader does not see, and <see cref="ReadmeBlocks"/>
/// refuses an unmarked block that uses any of them.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ReadmeTests(ITestOutputHelper output)
{
    /// <summary>About twenty requests and one Node process; a minute is generous on a loaded machine.</summary>
    private static readonly TimeSpan ScriptLimit = TimeSpan.FromMinutes(3);

    private static string Readme => File.ReadAllText(Path.Combine(RepositoryPaths.Root(), "README.md"));

    [Fact]
    public void EveryShellBlockIsRunOrSaysWhyNot()
    {
        Assert.Empty(ReadmeBlocks.Problems(Readme));
        var blocks = ReadmeBlocks.Parse(Readme);
        // The ones a new user pastes first run; the start command does not (the test starts the service itself).
        Assert.NotNull(blocks.First(b => b.IsShell).NotRunBecause);
        Assert.Contains(blocks, b => b.IsShell && b.NotRunBecause is null && b.Text.Contains("credentials.json", StringComparison.Ordinal));
        Assert.Contains(blocks, b => b.FileName == "secrets.mjs" && b.NotRunBecause is null);
    }

    [Fact]
    public void AnUnmarkedBlockThatStartsTheServiceIsRefusedAndAMarkedOneIsSkipped()
    {
        const string unmarked = "# Title\n\n```sh\n./scripts/run.sh   # the service\n```\n";
        var refused = Assert.Single(ReadmeBlocks.Problems(unmarked));
        Assert.Contains("README.md line 4: the test cannot run `./scripts/run.sh`", refused, StringComparison.Ordinal);

        var marked = $"# Title\n\n{ReadmeBlocks.MarkerStart}it starts the service -->\n```sh\n./scripts/run.sh\n```\n\n```bash\necho hi\n```\n";
        Assert.Empty(ReadmeBlocks.Problems(marked));
        var blocks = ReadmeBlocks.Parse(marked);
        Assert.Equal(["it starts the service", null], blocks.Select(b => b.NotRunBecause));
        var script = ReadmeBlocks.Script(marked, new Uri("http://127.0.0.1:1"));
        Assert.DoesNotContain("run.sh", script, StringComparison.Ordinal);
        Assert.Contains("echo hi", script, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("```sh\ndocker compose up\n```\n", "docker")]
    [InlineData("```shell\nsudo systemctl enable --now secretsstore\n```\n", "sudo")]
    [InlineData("```console\nnpx -y wrangler whoami\n```\n", "npx")]
    [InlineData("```sh\nkubectl apply -k deploy/kubernetes\n```\n", "kubectl")]
    public void AnUnmarkedBlockTheTestCannotRunIsRefusedInAnyShellFence(string markdown, string command) =>
        Assert.Contains($"cannot run `{command}`", Assert.Single(ReadmeBlocks.Problems(markdown)), StringComparison.Ordinal);

    [Fact]
    public void AMarkerThatNoBlockFollowsOrThatGivesNoReasonIsRefused()
    {
        var astray = $"{ReadmeBlocks.MarkerStart}it downloads -->\n\nSome prose.\n\n```sh\necho hi\n```\n";
        Assert.Contains("1 markers but 0 marked blocks", Assert.Single(ReadmeBlocks.Problems(astray)), StringComparison.Ordinal);

        var silent = $"{ReadmeBlocks.MarkerStart} -->\n```sh\ndocker ps\n```\n\n```sh\necho hi\n```\n";
        Assert.Contains("its marker gives no reason", Assert.Single(ReadmeBlocks.Problems(silent)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheReadmesBlocksRunAsWrittenAgainstADevelopmentRun()
    {
        Assert.Empty(ReadmeBlocks.Problems(Readme));
        var clone = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"secretsstore-readme-{Guid.NewGuid():N}"));
        try
        {
            // A clone's layout, where the README's lines are typed: the run's data folder, the examples, and the SDK
            // that "npm install" (a marked block: it downloads) would have put beside secrets.mjs.
            File.CreateSymbolicLink(Path.Combine(clone.FullName, "examples"), Path.Combine(RepositoryPaths.Root(), "examples"));
            File.CreateSymbolicLink(Path.Combine(clone.FullName, "node_modules"), Path.Combine(RepositoryPaths.Clients(), "node_modules"));
            await using var app = await StartDevelopmentRunAsync(Path.Combine(clone.FullName, ".data"));

            var run = await RunBashAsync(ReadmeBlocks.Script(Readme, app.BaseAddress), clone.FullName);

            output.WriteLine(run.Output);
            Assert.False(run.TimedOut, $"the README's blocks were still running after {ScriptLimit}:\n{run.Output}");
            Assert.True(run.ExitCode == 0, $"a README line failed (exit {run.ExitCode}); the last '### README.md line' is its block:\n{run.Output}");
            Assert.Contains(ReadmeBlocks.Finished, run.Output, StringComparison.Ordinal);
            // What the README says these lines print: the example's command got the secret, and the SDK listed the
            // secret it made next to the one "Try it" made.
            Assert.Contains("\npostgres://...\n", run.Output, StringComparison.Ordinal);
            Assert.Contains("API_KEY", run.Output, StringComparison.Ordinal);
            Assert.Contains("DATABASE_URL", run.Output, StringComparison.Ordinal);
        }
        finally
        {
            clone.Delete(recursive: true);
        }
    }

    /// <summary>As <c>./scripts/run.sh</c> starts the service, on a free port instead of 8787.</summary>
    private static async Task<SecretsStoreApp> StartDevelopmentRunAsync(string data)
    {
        var app = await SecretsStoreApp.CreateAsync(
        [
            $"--SECRETSSTORE_DATA={data}",
            "--urls=http://127.0.0.1:0",
            $"--Orleans:SiloPort={FreePort.Next()}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.Web.StartAsync();
        return app;
    }

    private sealed record BashRun(int ExitCode, string Output, bool TimedOut);

    /// <summary>
    /// Runs the script with bash in <paramref name="folder"/>, its stdout and stderr interleaved as printed. The script
    /// is a file beside the folder, not in it, and not on stdin, which a README line could read.
    /// </summary>
    private static async Task<BashRun> RunBashAsync(string script, string folder)
    {
        var file = folder + ".sh";
        await File.WriteAllTextAsync(file, "exec 2>&1\n" + script);
        try
        {
            return await RunBashFileAsync(file, folder);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<BashRun> RunBashFileAsync(string file, string folder)
    {
        var start = new ProcessStartInfo("bash", [file])
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var printed = process.StandardOutput.ReadToEndAsync();
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync().WaitAsync(ScriptLimit);
        }
        catch (TimeoutException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        return new BashRun(process.ExitCode, await printed, timedOut);
    }
}
