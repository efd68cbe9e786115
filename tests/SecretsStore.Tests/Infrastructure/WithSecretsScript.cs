using System.Diagnostics;

namespace SecretsStore.Tests.Infrastructure;

/// <summary>What a run of <c>examples/with-secrets.sh</c> did: its exit status and everything it printed.</summary>
public sealed record ScriptRun(int ExitCode, string Output, string Errors)
{
    public string Printed => Output + Errors;
}

/// <summary>Runs the consumer example, <c>examples/with-secrets.sh</c>, against a service under test.</summary>
public static class WithSecretsScript
{
    public static string Path => System.IO.Path.Combine(RepositoryPaths.Root(), "examples", "with-secrets.sh");

    /// <param name="command">What the script runs once it has the secrets (after its <c>--</c>).</param>
    /// <param name="environment">More of the script's environment, or a variable to replace (<c>PATH</c>).</param>
    public static async Task<ScriptRun> RunAsync(
        Uri service, string accountId, string listToken, string serviceToken, IEnumerable<string> command,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path);
        start.ArgumentList.Add("--");
        foreach (var arg in command)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["BASE"] = new Uri(service, "/client/v4").ToString();
        start.Environment["ACCOUNT"] = accountId;
        start.Environment["LIST_TOKEN"] = listToken;
        start.Environment["SERVICE_TOKEN"] = serviceToken;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new ScriptRun(process.ExitCode, await output, await errors);
    }
}
