using System.Text;
using Npgsql;

namespace SecretsStore.Persistence.Audit;

/// <summary>A place in the trail's time order: the record's time, then its <c>seq</c> among records of the same time.</summary>
public readonly record struct AuditPosition(DateTime At, long Seq);

/// <summary>
/// Entries left out of a page, each list by one column of the trail (the gateway maps Cloudflare's <c>X.not=</c>
/// filters onto these). An empty list leaves nothing out.
/// </summary>
public sealed record AuditExclusions
{
    public IReadOnlyList<long> Seqs { get; init; } = [];
    public IReadOnlyList<string> Actions { get; init; } = [];
    public bool Allowed { get; init; }
    public bool Refused { get; init; }

    /// <summary>Principals by pattern (<c>LIKE</c>: <c>token:%</c>, <c>operator</c>).</summary>
    public IReadOnlyList<string> PrincipalPatterns { get; init; } = [];

    /// <summary>Principals exactly (<c>token:ID</c>, <c>key:EMAIL</c>).</summary>
    public IReadOnlyList<string> Principals { get; init; } = [];

    /// <summary>The names of the account tokens that acted.</summary>
    public IReadOnlyList<string> TokenNames { get; init; } = [];

    public IReadOnlyList<string> AccountNames { get; init; } = [];

    /// <summary>Resource ids as <see cref="AuditEntries.ResourceId"/> computes them.</summary>
    public IReadOnlyList<string> ResourceIds { get; init; } = [];

    /// <summary>Resource kinds: the part of an action before its dot (<c>secret</c>, <c>store</c>, <c>token</c>).</summary>
    public IReadOnlyList<string> ResourceKinds { get; init; } = [];

    public IReadOnlyList<int> Statuses { get; init; } = [];

    /// <summary>HTTP methods, upper case as recorded.</summary>
    public IReadOnlyList<string> Methods { get; init; } = [];

    /// <summary>Request targets (path and query) exactly as recorded.</summary>
    public IReadOnlyList<string> Uris { get; init; } = [];
    public IReadOnlyList<string> RequestIds { get; init; } = [];

    /// <summary>Everything is left out (Secrets Store's own product excluded): the page is empty.</summary>
    public bool Everything { get; init; }
}

/// <summary>One page's question: whose entries, the window <c>[Since, Before)</c>, the order, and where to go on from.</summary>
/// <param name="AccountId">Null: every account's entries and those of no account (the operator).</param>
/// <param name="AlsoAddressed">With an account: also the refusals of foreign principals addressed to it (the operator).</param>
/// <param name="After">The last entry of the previous page; the page starts after it in this order.</param>
/// <param name="OnlyResources">When not empty, only entries about these resources (<see cref="AuditEntries.ResourceId"/>).</param>
public sealed record AuditEntryQuery(
    Guid? AccountId, bool AlsoAddressed, DateTime Since, DateTime Before, bool Ascending, int Limit, AuditPosition? After,
    AuditExclusions Exclusions, IReadOnlyList<string>? OnlyResources = null);

/// <summary>A record read for Cloudflare's audit-log shape, with what the trail derives at read time.</summary>
/// <param name="ResourceId">The affected resource's id (<see cref="AuditEntries.ResourceId"/>), or null.</param>
public sealed record AuditEntryRow(StoredAuditRecord Stored, string? AccountName, string? TokenName, string? ResourceId)
{
    public AuditPosition Position => new(Stored.Record.At, Stored.Seq);
}

/// <summary>
/// Pages through <c>audit_log</c> in time order by keyset (migration 0013): a page is one range of
/// <c>(account_id, at, seq)</c> or <c>(at, seq)</c> from the cursor on, so its cost does not grow with the table or with
/// the depth of the page, and an entry appended meanwhile never shifts the pages already read.
/// </summary>
public sealed class AuditEntries(NpgsqlDataSource db)
{
    /// <summary>
    /// The id of the resource an entry is about, by the kind of its action: the secret, the store, the account (its
    /// quota too), or the credential or service named in <c>subject</c>. Read back with each entry and filtered on,
    /// so both use this one definition. Ids are written as answers write them (32 hex digits). Migration 0013 indexes
    /// this same expression (without the alias): change both together.
    /// </summary>
    public const string ResourceId = """
        CASE split_part(l.action, '.', 1)
            WHEN 'secret' THEN replace(l.secret_id::text, '-', '')
            WHEN 'store' THEN replace(l.store_id::text, '-', '')
            WHEN 'account' THEN replace(coalesce(l.account_id, l.addressed_account_id)::text, '-', '')
            WHEN 'quota' THEN replace(coalesce(l.account_id, l.addressed_account_id)::text, '-', '')
            WHEN 'token' THEN substr(l.subject, 7)
            WHEN 'key' THEN substr(l.subject, 5)
            WHEN 'service' THEN substr(l.subject, 9)
        END
        """;

    /// <summary>The most one page holds (Cloudflare's limit).</summary>
    public const int MaxLimit = 1000;

    public async Task<IReadOnlyList<AuditEntryRow>> PageAsync(AuditEntryQuery query, CancellationToken ct)
    {
        if (query.Exclusions.Everything)
        {
            return [];
        }

        await using var command = Build(query);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<AuditEntryRow>();
        while (await reader.ReadAsync(ct))
        {
            var record = new AuditRecord(
                reader.GetDateTime(1), NullableGuid(reader, 2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5),
                reader.IsDBNull(6) ? null : reader.GetInt32(6), NullableString(reader, 7), NullableGuid(reader, 8), NullableString(reader, 9),
                NullableGuid(reader, 10), NullableString(reader, 11), reader.GetString(12), NullableGuid(reader, 13), NullableString(reader, 14),
                NullableGuid(reader, 15), Method: NullableString(reader, 19), Uri: NullableString(reader, 20),
                ValueModified: !reader.IsDBNull(21) && reader.GetBoolean(21));
            rows.Add(new AuditEntryRow(new StoredAuditRecord(reader.GetInt64(0), record), NullableString(reader, 16), NullableString(reader, 17), NullableString(reader, 18)));
        }

        return rows;
    }

    /// <summary>The statement of a page, for <see cref="PageAsync"/> and for reading its plan.</summary>
    public NpgsqlCommand Build(AuditEntryQuery query)
    {
        var command = db.CreateCommand();
        var conditions = new StringBuilder($"l.at >= {Add(command, query.Since)} AND l.at < {Add(command, query.Before)}");
        if (query.After is { } after)
        {
            conditions.Append($"\n   AND (l.at, l.seq) {(query.Ascending ? ">" : "<")} ({Add(command, after.At)}, {Add(command, after.Seq)})");
        }

        if (query.OnlyResources is [var resource])
        {
            // One resource: equality on the expression of audit_log_resource_time (0013), whose order is the page's.
            conditions.Append($"\n   AND ({ResourceId}) = {Add(command, resource)}");
        }
        else if (query.OnlyResources is { Count: > 1 } resources)
        {
            conditions.Append($"\n   AND ({ResourceId}) = ANY({Add(command, resources.ToArray())}::text[])");
        }

        AppendExclusions(conditions, command, query.Exclusions);
        var order = query.Ascending ? "ASC" : "DESC";
        var limit = Add(command, query.Limit);
        string Select(string owner) => $"""
            SELECT l.seq, l.at, l.account_id, l.principal, l.action, l.status, l.code, l.error, l.store_id, l.store_name, l.secret_id,
                   l.secret_name, l.request_id, l.source_secret_id, l.subject, l.addressed_account_id, a.name AS account_name,
                   t.name AS token_name, {ResourceId} AS resource_id, l.method, l.uri, l.value_modified
              FROM audit_log l
              LEFT JOIN accounts a ON a.id = replace(coalesce(l.account_id, l.addressed_account_id)::text, '-', '')
              LEFT JOIN account_tokens t ON l.principal LIKE 'token:%' AND t.id = substr(l.principal, 7)
             WHERE {owner}{conditions}
             ORDER BY l.at {order}, l.seq {order} LIMIT {limit}
            """;

        if (query.AccountId is not { } account)
        {
            command.CommandText = Select("");
        }
        else if (!query.AlsoAddressed)
        {
            command.CommandText = Select($"l.account_id = {Add(command, account)} AND ");
        }
        else
        {
            // The operator's view of one account: its own entries and the foreign refusals addressed to it, each one
            // index range in page order, merged; never a sort of the account's whole window.
            var id = Add(command, account);
            command.CommandText = $"""
                SELECT * FROM (({Select($"l.account_id = {id} AND ")}) UNION ALL ({Select($"l.addressed_account_id = {id} AND ")})) AS page
                 ORDER BY 2 {order}, 1 {order} LIMIT {limit}
                """;
        }

        return command;
    }

    private static void AppendExclusions(StringBuilder sql, NpgsqlCommand command, AuditExclusions x)
    {
        // Each test is false or null only for an entry the filter leaves out: a column the entry lacks keeps it.
        void Not(string column, object values, int count, string type)
        {
            if (count > 0)
            {
                sql.Append($"\n   AND ({column} IS NULL OR NOT {column} = ANY({Add(command, values)}::{type}[]))");
            }
        }

        Not("l.seq", x.Seqs.ToArray(), x.Seqs.Count, "bigint");
        Not("l.action", x.Actions.ToArray(), x.Actions.Count, "text");
        Not("l.principal", x.Principals.ToArray(), x.Principals.Count, "text");
        Not("t.name", x.TokenNames.ToArray(), x.TokenNames.Count, "text");
        Not("a.name", x.AccountNames.ToArray(), x.AccountNames.Count, "text");
        Not($"({ResourceId})", x.ResourceIds.ToArray(), x.ResourceIds.Count, "text");
        Not("split_part(l.action, '.', 1)", x.ResourceKinds.ToArray(), x.ResourceKinds.Count, "text");
        Not("l.status", x.Statuses.ToArray(), x.Statuses.Count, "integer");
        Not("l.request_id", x.RequestIds.ToArray(), x.RequestIds.Count, "text");
        Not("l.method", x.Methods.ToArray(), x.Methods.Count, "text");
        Not("l.uri", x.Uris.ToArray(), x.Uris.Count, "text");
        if (x.PrincipalPatterns.Count > 0)
        {
            sql.Append($"\n   AND NOT l.principal LIKE ANY({Add(command, x.PrincipalPatterns.ToArray())}::text[])");
        }

        if (x.Allowed)
        {
            sql.Append("\n   AND l.code IS NOT NULL");
        }

        if (x.Refused)
        {
            sql.Append("\n   AND l.code IS NULL");
        }
    }

    private static string Add(NpgsqlCommand command, object value)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = value });
        return $"${command.Parameters.Count}";
    }

    private static Guid? NullableGuid(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetGuid(i);

    private static string? NullableString(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
}
