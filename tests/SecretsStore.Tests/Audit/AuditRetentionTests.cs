using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SecretsStore.Persistence.Audit;
using SecretsStore.Silo.Hosting;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Audit;

/// <summary>
/// <c>SecretsStore:Audit:Retention</c> (docs/audit.md, "Retention"): a silo deletes the audit rows older than the
/// retention in the background, as the owner role, in batches that each record themselves; zero keeps everything;
/// while one prune holds the cluster's lock no other deletes; a role that may not delete deletes nothing. The
/// service runs here as a silo runs it, without the rest of a host. Each test has a database of its own, since a
/// prune reaches every account's rows.
/// </summary>
public sealed class AuditRetentionTests
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    /// <summary>Generous: a round is a few short transactions.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task ASiloDeletesTheRowsOlderThanItsRetentionInBatchesKeepsTheNewAndRecordsEachBatch()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("retention"));
        var now = Now();
        var old = Enumerable.Range(0, AuditRetentionService.BatchSize + 3).Select(i => now.AddDays(-400).AddSeconds(i)).ToArray();
        DateTime[] kept = [now.AddDays(-29), now.AddMinutes(-1)];
        await AppendAtAsync(settings, [.. old, now - Retention - TimeSpan.FromMinutes(5), .. kept]);

        await RunFirstRoundAsync(settings.ConnectionString, Retention);

        Assert.Equal(kept, await TimesOfAsync(settings, "action <> 'audit.prune'"));
        var records = await PruneRecordsAsync(settings);
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal(("operator", 200), (r.Principal, r.Status)));
        Assert.StartsWith($"rows:{AuditRetentionService.BatchSize} before:", records[0].Subject);
        Assert.StartsWith("rows:4 before:", records[1].Subject);
        var cutoff = DateTime.Parse(records[1].Subject!["rows:4 before:".Length..], null, System.Globalization.DateTimeStyles.AdjustToUniversal);
        Assert.InRange(cutoff, now - Retention - TimeSpan.FromMinutes(1), DateTime.UtcNow - Retention);
    }

    [Fact]
    public async Task ARoundWithNothingPastTheRetentionDeletesAndRecordsNothing()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("retention_none"));
        DateTime[] recent = [Now().AddDays(-2), Now().AddMinutes(-1)];
        await AppendAtAsync(settings, recent);

        await RunFirstRoundAsync(settings.ConnectionString, Retention);

        Assert.Equal(recent, await TimesOfAsync(settings, "true"));
    }

    [Fact]
    public async Task ARoundAlsoDeletesTheAnswersOfIdempotencyKeysWhoseWindowHasPassed()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("retention_answers"));
        await using (var owner = NpgsqlDataSource.Create(settings.ConnectionString))
        {
            await using var keep = owner.CreateCommand("""
                INSERT INTO idempotent_answers (key_hash, request_hash, at, sealed)
                VALUES ('\x01', '\x01', now() - interval '25 hours', '\x00'), ('\x02', '\x02', now() - interval '23 hours', '\x00')
                """);
            await keep.ExecuteNonQueryAsync();
        }

        await RunFirstRoundAsync(settings.ConnectionString, Retention);

        await using var db = NpgsqlDataSource.Create(settings.ConnectionString);
        await using var left = db.CreateCommand("SELECT key_hash FROM idempotent_answers");
        await using var reader = await left.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(new byte[] { 2 }, reader.GetFieldValue<byte[]>(0));
        Assert.False(await reader.ReadAsync(), "the answer whose window has passed is still kept");
    }

    [Fact]
    public async Task ARetentionOfZeroKeepsEverything()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("retention_zero"));
        DateTime[] ancient = [Now().AddYears(-20), Now().AddDays(-401)];
        await AppendAtAsync(settings, ancient);

        await RunUntilItStopsItselfAsync(settings.ConnectionString, TimeSpan.Zero);

        Assert.Equal(ancient, await TimesOfAsync(settings, "true"));
    }

    [Fact]
    public async Task ARoleThatMayNotDeleteLeavesTheTrailWhole()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("retention_runtime"));
        DateTime[] old = [Now().AddDays(-500), Now().AddDays(-401)];
        await AppendAtAsync(settings, old);

        // It stops by itself, rather than retry every hour what its role may never do.
        await RunUntilItStopsItselfAsync(settings.RuntimeConnectionString, Retention);

        Assert.Equal(old, await TimesOfAsync(settings, "true"));
    }

    [Fact]
    public async Task WhileAnotherPruneHoldsTheLockABatchDeletesNothingAndThenDeletesOnceItIsFree()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("retention_lock"));
        DateTime[] old = [Now().AddDays(-500), Now().AddDays(-401)];
        await AppendAtAsync(settings, old);
        var cutoff = DateTime.UtcNow - Retention;

        await using (var holder = new NpgsqlConnection(settings.ConnectionString))
        {
            await holder.OpenAsync();
            await using var transaction = await holder.BeginTransactionAsync();
            await using (var take = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", holder, transaction))
            {
                take.Parameters.Add(new NpgsqlParameter { Value = AuditRetention.LockKey });
                await take.ExecuteScalarAsync();
            }

            Assert.Null(await AuditRetention.PruneBatchAsync(settings.ConnectionString, cutoff, 10, "held"));
            Assert.Equal(old, await TimesOfAsync(settings, "true"));
        }

        Assert.Equal(2L, await AuditRetention.PruneBatchAsync(settings.ConnectionString, cutoff, 10, "free"));
        Assert.Equal(["rows:2 before:"], (await PruneRecordsAsync(settings)).Select(r => r.Subject![..14]));
    }

    /// <summary>Now, to the second: the database keeps microseconds, so times compared after a round trip must have none finer.</summary>
    private static DateTime Now()
    {
        var now = DateTime.UtcNow;
        return new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
    }

    private static AuditRetentionService Service(string connectionString, TimeSpan retention) =>
        new(connectionString, retention, AuditRetention.DefaultAnswerWindow, TimeProvider.System, NullLogger<AuditRetentionService>.Instance);

    /// <summary>Starts the service as a host would, waits for its first round, and stops it.</summary>
    private static async Task RunFirstRoundAsync(string connectionString, TimeSpan retention)
    {
        var service = Service(connectionString, retention);
        await service.StartAsync(CancellationToken.None);
        try
        {
            await service.FirstRound.WaitAsync(Patience);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Starts the service and waits for it to end on its own, which it does only when it has nothing it may do.</summary>
    private static async Task RunUntilItStopsItselfAsync(string connectionString, TimeSpan retention)
    {
        var service = Service(connectionString, retention);
        await service.StartAsync(CancellationToken.None);
        try
        {
            await service.ExecuteTask!.WaitAsync(Patience);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    private static async Task AppendAtAsync(TestHostSettings settings, DateTime[] times)
    {
        await using var owner = NpgsqlDataSource.Create(settings.ConnectionString);
        await new AuditLog(owner).AppendAsync(times.Select(at => new AuditRecord(
            at, Guid.NewGuid(), "token:retention-test", AuditActions.SecretReadValue, 200, null, null, null, null, null, null, "retention-test")).ToArray());
    }

    private static async Task<List<DateTime>> TimesOfAsync(TestHostSettings settings, string where)
    {
        await using var owner = NpgsqlDataSource.Create(settings.ConnectionString);
        await using var command = owner.CreateCommand($"SELECT at FROM audit_log WHERE {where} ORDER BY at");
        await using var reader = await command.ExecuteReaderAsync();
        var times = new List<DateTime>();
        while (await reader.ReadAsync())
        {
            times.Add(reader.GetDateTime(0));
        }

        return times;
    }

    private static async Task<List<(string Principal, int Status, string? Subject)>> PruneRecordsAsync(TestHostSettings settings)
    {
        await using var owner = NpgsqlDataSource.Create(settings.ConnectionString);
        await using var command = owner.CreateCommand("SELECT principal, status, subject FROM audit_log WHERE action = 'audit.prune' ORDER BY seq");
        await using var reader = await command.ExecuteReaderAsync();
        var records = new List<(string, int, string?)>();
        while (await reader.ReadAsync())
        {
            records.Add((reader.GetString(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return records;
    }
}
