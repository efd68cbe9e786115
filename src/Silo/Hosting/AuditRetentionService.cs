using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using SecretsStore.Persistence.Audit;

namespace SecretsStore.Silo.Hosting;

/// <summary>
/// <c>SecretsStore:Audit:Retention</c> on a silo (docs/audit.md, "Retention"): at start and then every
/// <see cref="Interval"/>, deletes the audit rows older than the retention, as the owner role, in batches of
/// <see cref="BatchSize"/> rows, each a short transaction that records itself (<see cref="AuditRetention.PruneBatchAsync"/>).
/// Every silo runs it; the advisory lock each batch takes lets one at a time prune, and a silo that finds it held
/// leaves this round to the holder. A retention of zero keeps everything and runs nothing.
/// </summary>
/// <param name="connectionString">The owner's connection, or the one role's when there is no split. A runtime role
/// that may not delete is told once, and the trail is left to the <c>audit-prune</c> job.</param>
/// <param name="answerWindow">The Idempotency-Key window (<c>SecretsStore:Idempotency:Window</c>): each round's first
/// batch also deletes the kept answers older than it, as <c>audit-prune</c> does.</param>
public sealed partial class AuditRetentionService(
    string connectionString, TimeSpan retention, TimeSpan answerWindow, TimeProvider time, ILogger<AuditRetentionService> logger) : BackgroundService
{
    /// <summary>How often a silo looks for rows past the retention: a row outlives it by at most this much.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>Rows a transaction deletes: small enough that no batch holds its locks for long.</summary>
    public const int BatchSize = 5_000;

    private const string InsufficientPrivilege = "42501";

    private readonly TaskCompletionSource _firstRound = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the first round has run, failed, or been skipped (a retention of zero, a role that may not delete).</summary>
    public Task FirstRound => _firstRound.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (retention > TimeSpan.Zero)
            {
                await RunEveryIntervalAsync(stoppingToken);
            }
        }
        finally
        {
            _firstRound.TrySetResult();
        }
    }

    private async Task RunEveryIntervalAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (PostgresException e) when (e.SqlState == InsufficientPrivilege)
            {
                LogMayNotDelete(logger, new NpgsqlConnectionStringBuilder(connectionString).Username, DatabaseLogins.OwnerKey);
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                // The database is away; the next round tries again, and readiness says so meanwhile.
                LogFailed(logger, e.GetType().Name, Interval);
            }

            _firstRound.TrySetResult();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One round: batches until fewer than a batch remain, or another silo holds the lock.</summary>
    private async Task RunOnceAsync(CancellationToken ct)
    {
        var before = time.GetUtcNow().UtcDateTime - retention;
        long total = 0;
        long? deleted;
        TimeSpan? answersToo = answerWindow;
        do
        {
            deleted = await AuditRetention.PruneBatchAsync(connectionString, before, BatchSize, Guid.NewGuid().ToString("N"), answersToo, ct);
            total += deleted ?? 0;
            answersToo = null;
        }
        while (deleted == BatchSize);

        if (total > 0)
        {
            LogPruned(logger, total, before.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit retention deleted {Rows} rows recorded before {Before}; the trail records each batch (audit.prune).")]
    private static partial void LogPruned(ILogger logger, long rows, string before);

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "Audit retention is off on this silo: its role {Role} may not delete from audit_log. Give the silos ConnectionStrings:{OwnerKey}, " +
        "or set SecretsStore:Audit:Retention to 0 and run the audit-prune job (deploy/README.md, \"Audit trail\").")]
    private static partial void LogMayNotDelete(ILogger logger, string? role, string ownerKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit retention could not run ({Failure}); it tries again in {Interval}.")]
    private static partial void LogFailed(ILogger logger, string failure, TimeSpan interval);
}
