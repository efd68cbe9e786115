using Microsoft.AspNetCore.Mvc;
using SecretsStore.Api.Audit;

namespace SecretsStore.Api.Endpoints;

/// <summary>
/// The audit trail in Cloudflare's own audit-log shape (Audit Logs v2), so that the cloudflare SDK's
/// <c>accounts.logs.audit.list</c> and the tools built on it read it: an account's at
/// <c>/client/v4/accounts/{account_id}/logs/audit</c>, every account's at <c>/admin/v1/logs/audit</c>.
/// </summary>
public static class AuditLogsApi
{
    private const string Description =
        "Cloudflare's Audit Logs v2 shape. since and before are required (a date, in UTC, or an RFC 3339 time; since " +
        "inclusive, before exclusive). Newest first (direction=desc) or oldest first (asc), by time and then by the order " +
        "entries were recorded; limit 1 to 1000 (default 100). The next page starts at result_info.cursors.after, passed " +
        "back as cursor with the same query; the last page has no cursor. A cursor names the last entry's place, so " +
        "entries recorded meanwhile never shift a page. Filters leave entries out: name.not=value, repeated for several " +
        "values, on id, audit_log_id, action_type, action_result, actor_type, actor_context, actor_id, actor_email, " +
        "actor_token_id, actor_token_name, account_name, resource_id, resource_type, resource_product, raw_status_code, " +
        "raw_cf_ray_id, zone_id and zone_name; any other parameter is refused with 400. Extension: resource_id=ID " +
        "(repeatable) keeps only the entries about those resources, e.g. one secret's history.";

    /// <summary><c>GET /client/v4/accounts/{account_id}/logs/audit</c>: the account's read or write tokens and its keys.</summary>
    public static RouteGroupBuilder MapAccountAuditLogsApi(this RouteGroupBuilder logs)
    {
        logs.MapGet("/audit", ListAccountAuditLogs)
            .WithName("ListAuditLogs")
            .WithSummary("Lists the account's audit logs (Cloudflare's shape), paged by cursor.")
            .WithDescription(Description);
        return logs;
    }

    /// <summary><c>GET /admin/v1/logs/audit</c>: every account's entries and those of no account; <c>account_id</c> filters.</summary>
    public static RouteGroupBuilder MapAdminAuditLogsApi(this RouteGroupBuilder admin)
    {
        admin.MapGet("/logs/audit", ListAllAuditLogs)
            .WithName("AdminListAuditLogs")
            .WithSummary("Lists every account's audit logs (Cloudflare's shape), paged by cursor.")
            .WithDescription(Description + " account_id limits it to one account: its own entries, and the refusals of " +
                "principals foreign to it (another account's token or key, a service not granted it), which only this trail holds.");
        return admin;
    }

    /// <param name="documented">Only for the document: the whole query is read by <see cref="AuditLogQuery"/>, filters too.</param>
    public static Task<CursorListAnswer<AuditLogEntryDto>> ListAccountAuditLogs(
        [AsParameters] AccountRoute route, [AsParameters] AuditLogParameters documented, HttpRequest request, AuditEntries entries, CancellationToken ct) =>
        ListAsync(entries, request.Query, route.Call.AccountId, alsoAddressed: false, ct);

    /// <param name="documented">Only for the document: the whole query is read by <see cref="AuditLogQuery"/>, filters too.</param>
    public static Task<CursorListAnswer<AuditLogEntryDto>> ListAllAuditLogs(
        [AsParameters] AuditLogParameters documented, [FromQuery(Name = "account_id")] string? accountIdAsSent, HttpRequest request, AuditEntries entries,
        CancellationToken ct)
    {
        var query = request.Query;
        if (accountIdAsSent is null)
        {
            return ListAsync(entries, query, null, alsoAddressed: true, ct);
        }

        var rest = new QueryCollection(query.Where(p => p.Key != "account_id").ToDictionary(p => p.Key, p => p.Value));
        return RouteIds.TryParseAccount(accountIdAsSent, out var accountId)
            ? ListAsync(entries, rest, accountId, alsoAddressed: true, ct)
            : Task.FromResult<CursorListAnswer<AuditLogEntryDto>>(GatewayErrors.InvalidId("account_id"));
    }

    private static async Task<CursorListAnswer<AuditLogEntryDto>> ListAsync(
        AuditEntries entries, IQueryCollection sent, Guid? accountId, bool alsoAddressed, CancellationToken ct)
    {
        var parsed = AuditLogQuery.Parse(sent, accountId, alsoAddressed);
        if (!parsed.Succeeded)
        {
            return parsed.Error;
        }

        // One more than the page, to know whether a next page exists: the last page carries no cursor.
        var query = parsed.Value;
        var rows = await entries.PageAsync(query with { Limit = query.Limit + 1 }, ct);
        var page = rows.Take(query.Limit).ToList();
        var after = rows.Count > query.Limit ? AuditLogCursor.Write(page[^1].Position, query.Ascending) : null;
        return CursorListAnswer<AuditLogEntryDto>.Of(page.Select(AuditLogEntryDto.From).ToList(), after);
    }
}

/// <summary>The plain parameters of the audit-log routes, bound as sent so that they appear in the document.</summary>
public sealed record AuditLogParameters(
    [property: FromQuery(Name = "since")] string? Since,
    [property: FromQuery(Name = "before")] string? Before,
    [property: FromQuery(Name = "limit")] string? Limit,
    [property: FromQuery(Name = "direction")] string? Direction,
    [property: FromQuery(Name = "cursor")] string? Cursor);
