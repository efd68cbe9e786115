using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using SecretsStore.Api.Audit;

namespace SecretsStore.Api.Endpoints;

/// <summary>The audit trail, read back (extension): an account's own records, and every record for the operator.</summary>
public static class AuditApi
{
    private const string Description =
        "Newest first, paged like the lists (page, per_page up to 100). Filters: since and until (RFC 3339; since inclusive, " +
        "until exclusive), action, principal (token:ID, key:EMAIL, service:NAME or operator), secret_id (also matches a " +
        "duplicate's source), secret_name, store_id. New records go to the front: pass until to page a fixed set.";

    private const string OperatorNote =
        " account_id limits it to one account: its own records, and the refusals of principals foreign to it (another " +
        "account's token or key, a service not granted it), which only this trail holds, with account_id null and " +
        "addressed_account_id set.";

    /// <summary><c>GET …/secrets_store/audit</c>: the account's read or write tokens and its keys.</summary>
    public static RouteGroupBuilder MapAccountAuditApi(this RouteGroupBuilder account)
    {
        account.MapGet("/audit", ListAccountAudit)
            .WithName("ListAudit")
            .WithSummary("Pages through the account's audit trail, newest first.")
            .WithDescription(Description);
        return account;
    }

    /// <summary><c>GET /admin/v1/audit</c>: every account's records, and those of no account; <c>account_id</c> filters.</summary>
    public static RouteGroupBuilder MapAdminAuditApi(this RouteGroupBuilder admin)
    {
        admin.MapGet("/audit", ListAllAudit)
            .WithName("AdminListAudit")
            .WithSummary("Pages through the whole audit trail, newest first.")
            .WithDescription(Description + OperatorNote);
        return admin;
    }

    public static Task<ListAnswer<AuditRecordDto>> ListAccountAudit(
        [AsParameters] AccountRoute route, AuditLog log, [AsParameters] AuditQueryParameters query, CancellationToken ct) =>
        ListAsync(log, query, route.Call.AccountId, alsoAddressed: false, ct);

    public static Task<ListAnswer<AuditRecordDto>> ListAllAudit(
        AuditLog log, [AsParameters] AuditQueryParameters query, [FromQuery(Name = "account_id")] string? accountIdAsSent, CancellationToken ct)
    {
        if (accountIdAsSent is null)
        {
            return ListAsync(log, query, null, alsoAddressed: true, ct);
        }

        return RouteIds.TryParseAccount(accountIdAsSent, out var accountId)
            ? ListAsync(log, query, accountId, alsoAddressed: true, ct)
            : Task.FromResult<ListAnswer<AuditRecordDto>>(GatewayErrors.InvalidId("account_id"));
    }

    /// <param name="alsoAddressed">The operator's reading: an account's records and the foreign refusals addressed to it.</param>
    private static async Task<ListAnswer<AuditRecordDto>> ListAsync(
        AuditLog log, AuditQueryParameters query, Guid? accountId, bool alsoAddressed, CancellationToken ct)
    {
        var paging = ListQuery.Parse(new ListRequest(query.Page, query.PerPage), ["created"], scopes: null);
        if (!paging.Succeeded)
        {
            return paging.Error;
        }

        var filter = query.ToFilter(accountId, alsoAddressed);
        if (!filter.Succeeded)
        {
            return filter.Error;
        }

        var page = paging.Value;
        var (items, total) = await log.PageAsync(filter.Value, page, ct);
        return ApiResults.List(new Page<StoredAuditRecord>(items, page.Page, page.PerPage, total), AuditRecordDto.From);
    }
}

/// <summary>The query of the audit routes, bound as sent so that bad values get our own 400s.</summary>
public sealed record AuditQueryParameters(
    [property: FromQuery(Name = "page")] string? Page,
    [property: FromQuery(Name = "per_page")] string? PerPage,
    [property: FromQuery(Name = "since")] string? Since,
    [property: FromQuery(Name = "until")] string? Until,
    [property: FromQuery(Name = "action")] string? Action,
    [property: FromQuery(Name = "principal")] string? Principal,
    [property: FromQuery(Name = "secret_id")] string? SecretId,
    [property: FromQuery(Name = "secret_name")] string? SecretName,
    [property: FromQuery(Name = "store_id")] string? StoreId)
{
    public Outcome<AuditFilter> ToFilter(Guid? accountId, bool alsoAddressed = false)
    {
        if (!TryTime(Since, out var since))
        {
            return GatewayErrors.InvalidAuditTime("since");
        }

        if (!TryTime(Until, out var until))
        {
            return GatewayErrors.InvalidAuditTime("until");
        }

        if (Action is not null && !AuditActions.All.Contains(Action))
        {
            return GatewayErrors.InvalidAuditAction(AuditActions.All);
        }

        if (!TryId(SecretId, out var secretId))
        {
            return GatewayErrors.InvalidId("secret_id");
        }

        if (!TryId(StoreId, out var storeId))
        {
            return GatewayErrors.InvalidId("store_id");
        }

        return new AuditFilter(accountId, since, until, Action, Empty(Principal), secretId, Empty(SecretName), storeId, alsoAddressed);
    }

    private static string? Empty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static bool TryTime(string? text, out DateTime? time)
    {
        time = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return false;
        }

        time = parsed.UtcDateTime;
        return true;
    }

    private static bool TryId(string? text, out Guid? id)
    {
        id = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (!Guid.TryParseExact(text, "N", out var parsed))
        {
            return false;
        }

        id = parsed;
        return true;
    }
}
