using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using SecretsStore.Persistence.Audit;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Audit;

/// <summary>
/// The audit-log pages stay cheap as the trail grows (the benchmark's audit-log scenario measures it at ten million
/// rows): PostgreSQL answers each page by walking one index range from the cursor on, and never sorts more than a
/// page.
/// Shown on the plans of a realistic trail (200,000 rows over 500 accounts and 90 days), loaded and analysed inside a
/// transaction that is rolled back, so no other test sees the rows.
/// </summary>
[Collection(AppCollection.Name)]
public sealed partial class AuditEntriesPlanTests(AppFixture app)
{
    private static readonly DateTime Now = DateTime.UtcNow;

    private static readonly string[] Pages =
    [
        "account, newest first", "account, oldest first", "account, by cursor", "account, narrow window", "account, filtered",
        "account, one secret", "operator, every account", "operator, one account",
    ];

    private static readonly Guid HotSecret = Guid.NewGuid();

    [Fact]
    public async Task EveryPageWalksOneIndexRangeAndSortsNothing()
    {
        await using var connection = new NpgsqlConnection(app.Settings.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var account = await LoadAsync(connection, transaction);
        await using var dataSource = NpgsqlDataSource.Create(app.Settings.ConnectionString);
        foreach (var page in Pages)
        {
            var query = Query(page, account);
            await using var built = new AuditEntries(dataSource).Build(query);
            await using var explain = new NpgsqlCommand("EXPLAIN " + built.CommandText, connection, transaction);
            foreach (NpgsqlParameter parameter in built.Parameters)
            {
                explain.Parameters.Add(new NpgsqlParameter { Value = parameter.Value });
            }

            var plan = new List<string>();
            await using (var reader = await explain.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    plan.Add(reader.GetString(0));
                }
            }

            var text = $"{page}:\n{string.Join('\n', plan)}";
            var index = query.AccountId is null ? "audit_log_time" : query.OnlyResources is not null ? "audit_log_resource_time" : "audit_log_account_time";
            Assert.True(text.Contains($" using {index} ", StringComparison.Ordinal) || text.Contains($" on {index} ", StringComparison.Ordinal), text);
            // A range the planner expects to hold less than a page may be read by bitmap and sorted, and the operator's
            // two ranges of one account may be merged by sorting their two pages: that costs what a page holds. A sort
            // of anything larger would grow with the table.
            foreach (Match sort in SortedRows().Matches(text))
            {
                Assert.True(int.Parse(sort.Groups[1].Value, CultureInfo.InvariantCulture) <= 2 * query.Limit, text);
            }

            Assert.False(text.Contains("Seq Scan on audit_log", StringComparison.Ordinal), text);
        }

        await transaction.RollbackAsync();
    }

    private static AuditEntryQuery Query(string page, Guid account) => page switch
    {
        "account, newest first" => new(account, false, Now.AddDays(-90), Now, false, 101, null, new AuditExclusions()),
        "account, oldest first" => new(account, false, Now.AddDays(-90), Now, true, 101, null, new AuditExclusions()),
        "account, by cursor" => new(account, false, Now.AddDays(-90), Now, false, 101, new AuditPosition(Now.AddDays(-40), 1_000), new AuditExclusions()),
        "account, narrow window" => new(account, false, Now.AddDays(-61), Now.AddDays(-60), true, 101, null, new AuditExclusions()),
        "account, filtered" => new(account, false, Now.AddDays(-90), Now, false, 101, null,
            new AuditExclusions { Actions = [AuditActions.SecretReadValue], ResourceIds = [Guid.NewGuid().ToString("N")], Refused = true }),
        "account, one secret" => new(account, false, Now.AddDays(-90), Now, false, 101, new AuditPosition(Now.AddDays(-40), 1_000), new AuditExclusions(),
            [HotSecret.ToString("N")]),
        "operator, one account" => new(account, true, Now.AddDays(-90), Now, false, 101, null, new AuditExclusions()),
        _ => new(null, true, Now.AddDays(-90), Now, false, 101, null, new AuditExclusions()),
    };

    /// <summary>Appends the rows in the caller's transaction and analyses the table; answers one of the accounts.</summary>
    private static async Task<Guid> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        var accounts = Enumerable.Range(0, 500).Select(_ => Guid.NewGuid()).ToArray();
        await using (var load = new NpgsqlCommand("""
            INSERT INTO audit_log (at, account_id, principal, action, status, store_id, secret_id, request_id)
            SELECT $2::timestamptz - (i * interval '90 days' / 200000), ($1::uuid[])[1 + i % 500], 'token:t' || (i % 7),
                   CASE WHEN i % 3 = 0 THEN 'secret.read_value' ELSE 'secret.create' END, 200, $3::uuid,
                   CASE WHEN i % 500 = 42 AND (i / 500) % 4 = 0 THEN $4::uuid ELSE gen_random_uuid() END, 'r' || i
              FROM generate_series(1, 200000) AS i
            """, connection, transaction))
        {
            load.Parameters.Add(new NpgsqlParameter { Value = accounts });
            load.Parameters.Add(new NpgsqlParameter { Value = Now });
            load.Parameters.Add(new NpgsqlParameter { Value = Guid.NewGuid() });
            load.Parameters.Add(new NpgsqlParameter { Value = HotSecret });
            await load.ExecuteNonQueryAsync();
        }

        await using (var analyze = new NpgsqlCommand("ANALYZE audit_log", connection, transaction))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        return accounts[42];
    }

    [GeneratedRegex(@"Sort  \(cost=[0-9.]+ rows=([0-9]+)")]
    private static partial Regex SortedRows();
}
