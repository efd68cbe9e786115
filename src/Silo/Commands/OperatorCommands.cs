using Microsoft.Extensions.Configuration;
using Npgsql;

namespace SecretsStore.Silo.Commands;

/// <summary>
/// What the service's binary runs instead of serving when its first argument names a command: jobs that need the
/// owner role's credentials (<c>migrate</c>, <c>audit-prune</c>), so that no process serving requests has to hold
/// them. Each reads the settings as the service does (appsettings.json, the environment, then the command line) and
/// exits: 0 when it did its work, 64 when the command line or settings are wrong, 1 when the database refused.
/// </summary>
public static class OperatorCommands
{
    public const int Done = 0;
    public const int Failed = 1;

    /// <summary>EX_USAGE: nothing was attempted.</summary>
    public const int Usage = 64;

    public static bool Handles(string[] args) => args.Length > 0 && args[0] is MigrateCommand.Name or AuditPruneCommand.Name;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken ct = default)
    {
        var configuration = Configuration(args[1..]);
        try
        {
            return args[0] switch
            {
                MigrateCommand.Name => await MigrateCommand.RunAsync(configuration, output, ct),
                AuditPruneCommand.Name => await AuditPruneCommand.RunAsync(configuration, output, ct),
                var other => throw new CommandLineException($"Unknown command '{other}'."),
            };
        }
        catch (CommandLineException wrong)
        {
            await error.WriteLineAsync(wrong.Message);
            return Usage;
        }
        catch (Exception refused) when (refused is NpgsqlException or InvalidOperationException)
        {
            // Npgsql's messages name the server and the role, never the password.
            await error.WriteLineAsync($"{args[0]} failed: {refused.Message}");
            return Failed;
        }
    }

    private static IConfiguration Configuration(string[] args) => new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
        .AddEnvironmentVariables()
        .AddCommandLine(args)
        .Build();
}

/// <summary>A command line or settings a command cannot run with; it said why and touched nothing.</summary>
public sealed class CommandLineException(string message) : Exception(message);
