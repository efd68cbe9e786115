using System.Globalization;
using Npgsql;
using SecretsStore.Persistence;
using SecretsStore.Silo.Hosting;
using SecretsStore.Silo.Hosting.Development;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Durability;

/// <summary>The backup procedure of deploy/README.md: pg_dump, pg_restore into a fresh database, the same master key.</summary>
public sealed class BackupRestoreTests
{
    [Fact]
    public async Task ADumpRestoredIntoAFreshDatabaseServesEveryStoreSecretAndValue()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("backup"));
        TestAccount account;
        string store, secretId, before;
        const string Value = "restored-value-canary";
        await using (var original = await TestHost.StartAsync(settings))
        {
            using var http = new HttpClient { BaseAddress = original.BaseAddress };
            var api = new ApiClient(http);
            account = await AppFixture.NewAccountAsync(api, settings.AdminToken);
            store = await api.CreateStoreAsync(account, "kept");
            secretId = (await api.CreateSecretAsync(account, store, "DATABASE_URL", Value, comment: "primary")).GetProperty("id").GetString()!;
            await api.CreateSecretAsync(account, store, "OTHER");
            before = (await api.GetAsync($"{account.Base}/stores/{store}/secrets?order=name&direction=asc", account.ReadToken)).Result.GetRawText();
        }

        var restoredDatabase = await RestoreIntoFreshDatabaseAsync(settings.ConnectionString);
        var restored = settings with { ConnectionString = restoredDatabase, RuntimeConnectionString = SharedPostgres.RuntimeConnectionStringFor(restoredDatabase) };

        await using var again = await TestHost.StartAsync(restored);
        using var client = new HttpClient { BaseAddress = again.BaseAddress };
        var restoredApi = new ApiClient(client);
        Assert.Equal(before, (await restoredApi.GetAsync($"{account.Base}/stores/{store}/secrets?order=name&direction=asc", account.ReadToken)).Result.GetRawText());
        var path = $"{account.Base}/stores/{store}/secrets/{secretId}";
        // The stored value decrypts to exactly what was written, and so does a copy made after the restore.
        var reader = await AppFixture.NewServiceAsync(restoredApi, settings.AdminToken);
        Assert.Equal(Value, await restoredApi.ReadValueAsync(reader, account.Id, store, secretId));
        var copy = await restoredApi.PostAsync($"{path}/duplicate", account.WriteToken, new { name = "COPY", scopes = new[] { "workers" } });
        Assert.Equal(200, copy.Status);
        Assert.Equal(Value, await restoredApi.ReadValueAsync(reader, account.Id, store, copy.Result.GetProperty("id").GetString()!));
        var quota = await restoredApi.GetAsync($"{account.Base}/quota", account.ReadToken);
        Assert.Equal(3, quota.Result.GetProperty("secrets").GetProperty("usage").GetInt32());
    }

    /// <summary>The commands of the procedure, against the test's server (the fault suite's backup under load uses them too).</summary>
    internal static async Task<string> RestoreIntoFreshDatabaseAsync(string source)
    {
        var from = new NpgsqlConnectionStringBuilder(source);
        var target = new NpgsqlConnectionStringBuilder(source) { Database = $"restored_{Guid.NewGuid():N}" };
        await DatabaseBootstrap.EnsureDatabaseExistsAsync(target.ConnectionString);
        var dump = Path.Combine(Path.GetTempPath(), $"secretsstore-{Guid.NewGuid():N}.dump");
        string[] server = ["--host", from.Host!, "--port", from.Port.ToString(CultureInfo.InvariantCulture), "--username", from.Username!];
        try
        {
            await RunAsync("pg_dump", from.Password!, [.. server, "--format=custom", "--exclude-table-data=orleansmembership*", $"--file={dump}", from.Database!]);
            await RunAsync("pg_restore", from.Password!, [.. server, "--no-owner", $"--dbname={target.Database}", dump]);
        }
        finally
        {
            File.Delete(dump);
        }

        return target.ConnectionString;
    }

    /// <param name="password">In the environment, as an operator's script would pass it: never on the command line.</param>
    private static async Task RunAsync(string tool, string password, string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(Path.Combine(EmbeddedPostgres.FindBinDirectory(), tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["PGPASSWORD"] = password },
        };
        arguments.ToList().ForEach(start.ArgumentList.Add);
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = await process.StandardError.ReadToEndAsync() + await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{tool} failed: {output}");
    }
}
