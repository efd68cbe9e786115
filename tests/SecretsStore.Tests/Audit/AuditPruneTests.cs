using System.Diagnostics;
using System.Globalization;
using Npgsql;
using SecretsStore.Persistence.Audit;
using SecretsStore.Silo.Commands;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Audit;

/// <summary>
/// The audit-prune command (docs/audit.md, "Retention"): as the owner role it deletes the rows recorded before its
/// cutoff and keeps the rest, recording the prune itself; the runtime role the service serves as cannot prune. Each
/// test has a database of its own, since a prune reaches every account's rows.
/// </summary>
public sealed class AuditPruneTests
{
    private static readonly DateTime Cutoff = DateTime.UtcNow.Date.AddDays(-30);

    [Fact]
    public async Task APruneDeletesTheRowsRecordedBeforeItsCutoffKeepsTheRestAndRecordsHowMany()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("prune"));
        await AppendAtAsync(settings, Cutoff.AddDays(-400), Cutoff.AddTicks(-10), Cutoff, Cutoff.AddDays(1));

        var (exit, output, _) = await PruneAsync(["--before", Cutoff.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), .. settings.DatabaseArgs]);

        Assert.Equal(OperatorCommands.Done, exit);
        Assert.Contains("Deleted 2 audit rows", output);
        Assert.Equal([Cutoff, Cutoff.AddDays(1)], await TimesOfAsync(settings, "action <> 'audit.prune'"));
        var record = await PruneRecordAsync(settings);
        Assert.Equal(("operator", (Guid?)null, 200, (int?)null), (record.Principal, record.AccountId, record.Status, record.Code));
        Assert.Equal($"rows:2 before:{Cutoff:yyyy-MM-dd}T00:00:00Z", record.Subject);
        Assert.True(record.At > Cutoff.AddDays(1), "the prune is recorded when it ran");
    }

    [Fact]
    public async Task TheRuntimeRoleCannotPruneAndNothingIsDeleted()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("prune_runtime"));
        DateTime[] old = [Cutoff.AddDays(-10), Cutoff.AddDays(-1)];
        await AppendAtAsync(settings, old);

        var (exit, _, errors) = await PruneAsync(["--before", Cutoff.ToString("O", CultureInfo.InvariantCulture), $"--ConnectionStrings:Postgres={settings.RuntimeConnectionString}"]);

        Assert.Equal(OperatorCommands.Failed, exit);
        Assert.Contains("ConnectionStrings:PostgresOwner", errors);
        Assert.Equal(old, await TimesOfAsync(settings, "true"));
    }

    [Theory]
    [InlineData("--before", "2999-01-01T00:00:00Z")]
    [InlineData("--before", "last tuesday")]
    [InlineData("--older-than", "-3")]
    [InlineData("--ConnectionStrings:PostgresOwner", "Host=unused")]
    public async Task ACutoffInTheFutureUnreadableOrMissingIsRefusedBeforeTheDatabaseIsTouched(string name, string value)
    {
        // The connection string names no reachable server: a command that got as far as the database would fail otherwise.
        var (exit, _, errors) = await PruneAsync([name, value, "--ConnectionStrings:PostgresOwner=Host=unused"]);

        Assert.Equal(OperatorCommands.Usage, exit);
        Assert.Contains(name.StartsWith("--Conn", StringComparison.Ordinal) ? "--before" : name, errors);
    }

    [Fact]
    public async Task TheServicesBinaryRunsItAsAJobWithTheOwnersConnectionFromTheEnvironment()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("prune_job"));
        await AppendAtAsync(settings, DateTime.UtcNow.AddDays(-100), DateTime.UtcNow.AddDays(-1));
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "SecretsStore.Silo.dll"), "audit-prune", "--older-than", "30" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ConnectionStrings__PostgresOwner"] = settings.ConnectionString;
        using var job = Process.Start(start)!;
        var output = job.StandardOutput.ReadToEndAsync();
        var errors = job.StandardError.ReadToEndAsync();
        await job.WaitForExitAsync();

        Assert.True(job.ExitCode == 0, $"exit {job.ExitCode}: {await output}{await errors}");
        Assert.Contains("Deleted 1 audit rows", await output);
        Assert.StartsWith("rows:1 before:", (await PruneRecordAsync(settings)).Subject);
    }

    [Fact]
    public async Task APruneAlsoDeletesTheAnswersOfKeysWhoseWindowHasPassed()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("prune"));
        await using (var owner = NpgsqlDataSource.Create(settings.ConnectionString))
        {
            await using var keep = owner.CreateCommand("""
                INSERT INTO idempotent_answers (key_hash, request_hash, at, sealed)
                VALUES ('\x01', '\x01', now() - interval '25 hours', '\x00'), ('\x02', '\x02', now() - interval '23 hours', '\x00')
                """);
            await keep.ExecuteNonQueryAsync();
        }

        var (exit, _, _) = await PruneAsync(["--before", Cutoff.ToString("O", CultureInfo.InvariantCulture), .. settings.DatabaseArgs]);

        Assert.Equal(OperatorCommands.Done, exit);
        await using var db = NpgsqlDataSource.Create(settings.ConnectionString);
        await using var left = db.CreateCommand("SELECT key_hash FROM idempotent_answers");
        Assert.Equal(new byte[] { 2 }, (byte[])(await left.ExecuteScalarAsync())!);
    }

    private static async Task<(int Exit, string Output, string Errors)> PruneAsync(string[] arguments)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var exit = await OperatorCommands.RunAsync(["audit-prune", .. arguments], output, errors);
        return (exit, output.ToString(), errors.ToString());
    }

    private static async Task AppendAtAsync(TestHostSettings settings, params DateTime[] times)
    {
        await using var owner = NpgsqlDataSource.Create(settings.ConnectionString);
        await new AuditLog(owner).AppendAsync(times.Select(at => new AuditRecord(
            at, Guid.NewGuid(), "token:prune-test", AuditActions.SecretReadValue, 200, null, null, null, null, null, null, "prune-test")).ToArray());
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

    private static async Task<AuditRecord> PruneRecordAsync(TestHostSettings settings)
    {
        await using var owner = NpgsqlDataSource.Create(settings.ConnectionString);
        await using var command = owner.CreateCommand("SELECT at, account_id, principal, status, code, subject FROM audit_log WHERE action = 'audit.prune'");
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "the prune left no record");
        var record = new AuditRecord(reader.GetDateTime(0), reader.IsDBNull(1) ? null : reader.GetGuid(1), reader.GetString(2), AuditActions.AuditPrune,
            reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetInt32(4), null, null, null, null, null, "", Subject: reader.GetString(5));
        Assert.False(await reader.ReadAsync(), "the prune left more than one record");
        return record;
    }
}
