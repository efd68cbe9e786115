using System.Diagnostics;

namespace SecretsStore.Silo.Hosting.Development;

/// <summary>Runs a command line tool to completion and captures what it printed.</summary>
internal static class ProcessRunner
{
    public sealed record Result(int ExitCode, string Output);

    /// <param name="input">Written to the tool's standard input, which is then closed: what must not appear on its command line.</param>
    public static async Task<Result> RunAsync(string executable, IReadOnlyList<string> arguments, CancellationToken ct, string? input = null)
    {
        var startInfo = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start {executable}.");
        // Both streams are drained while waiting, or a chatty tool could block on a full pipe.
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input.AsMemory(), ct);
            process.StandardInput.Close();
        }

        await process.WaitForExitAsync(ct);
        return new Result(process.ExitCode, (await stdout + await stderr).Trim());
    }
}
