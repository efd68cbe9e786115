using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using SecretsStore.Benchmarks.Tools;

namespace SecretsStore.Benchmarks.Scenarios;

/// <summary>
/// The audit trail at ten million rows (issue 21, part 2): <c>GET …/logs/audit</c> for one account, its first page and
/// a page 50 deep by cursor, unfiltered, filtered by action (<c>action_type.not=view</c>: the changes, without the value
/// reads) and by secret (<c>resource_id=</c>: one secret's history). The baseline is the same query in the same run
/// when the table holds only that account's 10,000 rows; the trail then holds 10,000,000 rows over 1,000 accounts and
/// 90 days, appended in time order as a live trail is, so the account's rows lie scattered among the others'.
/// </summary>
public static class AuditLogScenario
{
    /// <summary>Entries per page: small enough that every filter still has a page 50 deep in the account's rows.</summary>
    private const int Limit = 25;

    public static async Task<IReadOnlyList<BenchmarkRow>> RunAsync(BenchmarkContext context, Action<string> log)
    {
        var total = context.Smoke ? 20_000 : 10_000_000;
        var accounts = context.Smoke ? 10 : 1_000;
        var depth = context.Smoke ? 5 : 50;
        var owner = await context.NewDatabaseAsync("audit");
        await using var service = await ServiceUnderTest.StartOnAsync(context, owner, [ServiceUnderTest.NewKey()], ServiceUnderTest.NewKey());
        var account = await service.NewAccountAsync();
        var now = DateTime.UtcNow;
        var trail = new Trail(owner, Guid.ParseExact(account.Id, "N"), now.AddDays(-90), total, accounts);
        var window = $"since={now.AddDays(-91):yyyy-MM-dd}&before={now.AddDays(1):yyyy-MM-dd}&limit={Limit}";
        var hot = await trail.HotSecretAsync();
        (string Name, string Query)[] queries =
        [
            ("unfiltered", window),
            ("filtered by action (action_type.not=view)", $"{window}&action_type.not=view"),
            ("filtered by secret (resource_id=)", $"{window}&resource_id={hot}"),
        ];

        await trail.LoadAsync(alone: true, log);
        var small = await MeasureAsync(service, account, queries, depth, context, log, $"{total / accounts:N0} rows");
        await trail.LoadAsync(alone: false, log);
        var large = await MeasureAsync(service, account, queries, depth, context, log, $"{total:N0} rows");

        var rows = new List<BenchmarkRow>();
        foreach (var (name, _) in queries)
        {
            foreach (var page in new[] { "first page", $"page {depth} by cursor" })
            {
                var (at10M, at10k) = (large[(name, page)], small[(name, page)]);
                var p50 = Figures.Median(at10M.Select(r => r.P50));
                var baseP50 = Figures.Median(at10k.Select(r => r.P50));
                rows.Add(new BenchmarkRow(
                    $"audit-log {page} ({Limit} entries), {name}, one account, p50 at {total:N0} rows ÷ at {total / accounts:N0}, one connection{GetScenario.Failures(at10M.Concat(at10k))}",
                    Figures.Time(p50), $"{total / accounts:N0} rows: {Figures.Time(baseP50)} (p99 {Figures.Time(Figures.Median(at10k.Select(r => r.P99)))})",
                    Figures.Ratio(p50 / baseP50), Figures.Time(p50), Figures.Time(Figures.Median(at10M.Select(r => r.P99))), "≤ 2 (lower is better)"));
            }
        }

        return rows;
    }

    /// <summary>Each query's first page and its page <paramref name="depth"/> deep (reached through the cursors), timed by wrk.</summary>
    private static async Task<Dictionary<(string, string), List<WrkResult>>> MeasureAsync(
        ServiceUnderTest service, BenchAccount account, (string Name, string Query)[] queries, int depth, BenchmarkContext context, Action<string> log, string size)
    {
        var logs = $"/client/v4/accounts/{account.Id}/logs/audit";
        var urls = new List<(string Name, string Page, Uri Url)>();
        foreach (var (name, query) in queries)
        {
            urls.Add((name, "first page", new Uri(service.BaseAddress, $"{logs}?{query}")));
            string? cursor = null;
            for (var page = 1; page < depth; page++)
            {
                var answer = await GetAsync(service, $"{logs}?{query}{(cursor is null ? "" : $"&cursor={cursor}")}", account.Token);
                cursor = answer.GetProperty("result_info").GetProperty("cursors").GetProperty("after").GetString();
            }

            urls.Add((name, $"page {depth} by cursor", new Uri(service.BaseAddress, $"{logs}?{query}&cursor={cursor}")));
        }

        var results = urls.ToDictionary(u => (u.Name, u.Page), _ => new List<WrkResult>());
        foreach (var (_, _, url) in urls)
        {
            await Wrk.RunAsync(url, 1, TimeSpan.FromSeconds(1), LuaScripts.AuthorizedGet(account.Token), threads: 1);
        }

        for (var round = 0; round < context.Rounds; round++)
        {
            foreach (var (name, page, url) in urls)
            {
                var result = await Wrk.RunAsync(url, 1, context.Duration, LuaScripts.AuthorizedGet(account.Token), threads: 1);
                results[(name, page)].Add(result);
                log($"  {size}, round {round + 1}: {page}, {name}: p50 {Figures.Time(result.P50)}, p99 {Figures.Time(result.P99)}");
            }
        }

        return results;
    }

    private static async Task<JsonElement> GetAsync(ServiceUnderTest service, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await service.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {body}");
        }

        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>
    /// The synthetic trail: row <c>i</c> of <paramref name="Total"/> is <c>i / Total</c> of the way through 90 days and
    /// belongs to account <c>i % Accounts</c> (0 is the measured one). Of each account's rows, six in ten are value reads
    /// by a service, two patches, one create and one delete by a token; a quarter are about one hot secret and the rest
    /// about 39 others.
    /// </summary>
    private sealed record Trail(string Owner, Guid Measured, DateTime Start, int Total, int Accounts)
    {
        private const string Insert = """
            INSERT INTO audit_log (at, account_id, principal, action, status, store_id, store_name, secret_id, secret_name, request_id)
            SELECT $1::timestamptz + make_interval(secs => i * $2::double precision), a.id,
                   CASE WHEN n % 10 < 6 THEN 'service:workers' ELSE 'token:' || md5(a.id::text) END,
                   CASE WHEN n % 10 < 6 THEN 'secret.read_value' WHEN n % 10 < 8 THEN 'secret.patch'
                        WHEN n % 10 < 9 THEN 'secret.create' ELSE 'secret.delete' END,
                   200, md5(a.id::text || ':store')::uuid, 'bench',
                   md5(a.id::text || ':' || CASE WHEN n % 4 = 0 THEN 0 ELSE 1 + n % 39 END)::uuid,
                   'S' || CASE WHEN n % 4 = 0 THEN 0 ELSE 1 + n % 39 END, 'bench-' || i
              FROM generate_series($3::bigint, $4::bigint) AS i,
                   LATERAL (SELECT i / $5 AS n,
                                   CASE WHEN i % $5 = 0 THEN $6::uuid ELSE md5('account:' || (i % $5))::uuid END AS id) AS a
             WHERE $7 OR i % $5 = 0
            """;

        /// <summary>The hot secret of the measured account, as the route's resource_id names it.</summary>
        public async Task<string> HotSecretAsync()
        {
            await using var connection = await OpenAsync();
            await using var command = new NpgsqlCommand("SELECT replace(md5($1::text || ':0')::uuid::text, '-', '')", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = Measured });
            return (string)(await command.ExecuteScalarAsync())!;
        }

        /// <summary>Empties the trail, then appends the measured account's rows <paramref name="alone"/>, or every account's.</summary>
        public async Task LoadAsync(bool alone, Action<string> log)
        {
            var clock = Stopwatch.StartNew();
            await using var connection = await OpenAsync();
            await ExecuteAsync(connection, "TRUNCATE audit_log");
            const int Chunk = 1_000_000;
            for (long from = 1; from <= Total; from += Chunk)
            {
                await using var insert = new NpgsqlCommand(Insert, connection) { CommandTimeout = 0 };
                foreach (var value in new object[] { Start, 90 * 86_400.0 / Total, from, Math.Min(Total, from + Chunk - 1), (long)Accounts, Measured, !alone })
                {
                    insert.Parameters.Add(new NpgsqlParameter { Value = value });
                }

                await insert.ExecuteNonQueryAsync();
                if (!alone && Total > Chunk)
                {
                    log($"  loaded {Math.Min(Total, from + Chunk - 1):N0} rows in {clock.Elapsed.TotalSeconds:N0} s");
                }
            }

            // What autovacuum would have done for a trail this old: statistics and the visibility map.
            await ExecuteAsync(connection, "VACUUM ANALYZE audit_log");
            log($"  audit_log holds {(alone ? Total / Accounts : Total):N0} rows ({clock.Elapsed.TotalSeconds:N0} s to load and vacuum)");
        }

        private async Task<NpgsqlConnection> OpenAsync()
        {
            var connection = new NpgsqlConnection(Owner);
            await connection.OpenAsync();
            return connection;
        }

        private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
            await command.ExecuteNonQueryAsync();
        }
    }
}
