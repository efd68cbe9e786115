using System.Globalization;
using Microsoft.Extensions.Configuration;
using Npgsql;
using SecretsStore.Persistence.Audit;
using SecretsStore.Silo.Hosting;

namespace SecretsStore.Silo.Commands;

/// <summary>
/// <c>audit-prune --before TIME</c> or <c>--older-than DAYS</c>: deletes the audit rows recorded before the cutoff, as
/// the owner role (<c>ConnectionStrings:PostgresOwner</c>, or <c>ConnectionStrings:Postgres</c> when one role does
/// everything), and records the prune in the trail (<c>audit.prune</c>). It also deletes the kept answers of
/// Idempotency-Keys older than <c>SecretsStore:Idempotency:Window</c> (24 hours by default). A command rather than an admin route, so that
/// the owner's credentials live in a scheduled job and never on a process that faces clients.
/// </summary>
public static class AuditPruneCommand
{
    public const string Name = "audit-prune";

    private const string InsufficientPrivilege = "42501";

    public static async Task<int> RunAsync(IConfiguration configuration, TextWriter output, CancellationToken ct)
    {
        var before = Cutoff(configuration, DateTime.UtcNow);
        var connectionString = configuration.GetConnectionString(DatabaseLogins.OwnerKey) is { Length: > 0 } owner
            ? owner
            : configuration.GetConnectionString(DatabaseLogins.RuntimeKey) is { Length: > 0 } single
                ? single
                : throw new CommandLineException($"{Name} needs ConnectionStrings:{DatabaseLogins.OwnerKey}: the owner role deletes from the trail.");

        var requestId = Guid.NewGuid().ToString("N");
        long deleted;
        try
        {
            deleted = await AuditRetention.PruneAsync(connectionString, before, requestId, ct, AnswerWindow(configuration));
        }
        catch (PostgresException e) when (e.SqlState == InsufficientPrivilege)
        {
            throw new InvalidOperationException(
                $"the role {new NpgsqlConnectionStringBuilder(connectionString).Username} may not delete from audit_log (the runtime role never may): run {Name} with the owner's connection, ConnectionStrings:{DatabaseLogins.OwnerKey}.", e);
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Deleted {deleted} audit rows recorded before {before:yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'}; the trail records the prune as {AuditRetention.Subject(deleted, before)} (request id {requestId})."));
        return OperatorCommands.Done;
    }

    /// <summary>The window of Idempotency-Keys as the gateways have it configured; the default when unset.</summary>
    private static TimeSpan AnswerWindow(IConfiguration configuration) =>
        configuration["SecretsStore:Idempotency:Window"] is { Length: > 0 } window
            ? TimeSpan.TryParse(window, CultureInfo.InvariantCulture, out var parsed) && parsed > TimeSpan.Zero
                ? parsed
                : throw new CommandLineException($"SecretsStore:Idempotency:Window '{window}' is not a positive duration (1.00:00:00).")
            : AuditRetention.DefaultAnswerWindow;

    /// <summary>The cutoff from <c>--before</c> (RFC 3339) or <c>--older-than</c> (days, or d.hh:mm:ss), never in the future.</summary>
    public static DateTime Cutoff(IConfiguration configuration, DateTime now)
    {
        var before = configuration["before"];
        var olderThan = configuration["older-than"];
        if (string.IsNullOrEmpty(before) == string.IsNullOrEmpty(olderThan))
        {
            throw new CommandLineException($"{Name} needs exactly one of --before TIME (RFC 3339, e.g. 2026-01-01T00:00:00Z) and --older-than DAYS (or d.hh:mm:ss).");
        }

        if (!string.IsNullOrEmpty(olderThan))
        {
            return TimeSpan.TryParse(olderThan, CultureInfo.InvariantCulture, out var age) && age > TimeSpan.Zero
                ? now - age
                : throw new CommandLineException($"--older-than '{olderThan}' is not a positive number of days (365) or duration (365.00:00:00).");
        }

        if (!DateTimeOffset.TryParse(before, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var cutoff))
        {
            throw new CommandLineException($"--before '{before}' is not a time (RFC 3339, e.g. 2026-01-01T00:00:00Z).");
        }

        // A cutoff in the future would delete what was recorded a moment ago, most likely by a typo.
        return cutoff.UtcDateTime <= now
            ? cutoff.UtcDateTime
            : throw new CommandLineException($"--before {before} is in the future; {Name} deletes only rows older than a time that has passed.");
    }
}
