using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;
using SecretsStore.Api.Audit;

namespace SecretsStore.Api.Endpoints;

/// <summary>
/// The query of <c>GET …/logs/audit</c> as the cloudflare SDK's <c>accounts.logs.audit.list</c> sends it: <c>since</c>
/// and <c>before</c> (required), <c>limit</c>, <c>direction</c>, <c>cursor</c>, and exclusion filters written
/// <c>name.not=value</c>, repeated for several values. A parameter we cannot honour is refused, never ignored.
/// </summary>
public static partial class AuditLogQuery
{
    public const int DefaultLimit = 100;

    /// <summary>Filters that leave nothing out of our trail: no entry of ours has a zone, so excluding one excludes none.</summary>
    private static readonly string[] NothingToLeaveOut = ["zone_id", "zone_name"];

    /// <summary>Filters on what the trail does not record (the client's address) or a category list we lack.</summary>
    private static readonly string[] Unrecorded = ["actor_ip_address", "resource_scope", "product_category"];

    private static readonly string[] Filters =
    [
        "id", "audit_log_id", "account_name", "action_result", "action_type", "actor_context", "actor_email", "actor_id",
        "actor_token_id", "actor_token_name", "actor_type", "raw_cf_ray_id", "raw_method", "raw_status_code", "raw_uri", "resource_id",
        "resource_product", "resource_type", .. NothingToLeaveOut,
    ];

    public static Outcome<AuditEntryQuery> Parse(IQueryCollection query, Guid? accountId, bool alsoAddressed)
    {
        var exclusions = new AuditExclusions();
        List<string>? onlyResources = null;
        foreach (var (name, values) in query)
        {
            var refusal = name switch
            {
                "since" or "before" or "limit" or "direction" or "cursor" => null,
                "resource_id" => Only(ref onlyResources, values),
                _ when name.EndsWith(".not", StringComparison.Ordinal) && Filters.Contains(name[..^4]) => Exclude(ref exclusions, name[..^4], values),
                _ when Unrecorded.Contains(name.Split('.')[0]) => Invalid($"{name.Split('.')[0]} cannot be filtered on here: the trail does not record it"),
                _ => Invalid($"unknown parameter {name}; filters are written name.not=value ({string.Join(", ", Filters)})"),
            };
            if (refusal is not null)
            {
                return refusal;
            }
        }

        if (!TryTime(One(query, "since"), out var since))
        {
            return Invalid("since is required: a date (2026-01-31, in UTC) or an RFC 3339 time (2026-01-31T09:00:00Z)");
        }

        if (!TryTime(One(query, "before"), out var before))
        {
            return Invalid("before is required: a date (2026-01-31, in UTC) or an RFC 3339 time (2026-01-31T09:00:00Z)");
        }

        if (since >= before)
        {
            return Invalid("since must be earlier than before");
        }

        var limit = DefaultLimit;
        if (One(query, "limit") is { } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > AuditEntries.MaxLimit))
        {
            return Invalid($"limit is a whole number from 1 to {AuditEntries.MaxLimit}");
        }

        var ascending = One(query, "direction") switch
        {
            null or "desc" => false,
            "asc" => true,
            _ => (bool?)null,
        };
        if (ascending is null)
        {
            return Invalid("direction is desc (newest first, the default) or asc");
        }

        AuditPosition? after = null;
        if (One(query, "cursor") is { } cursor)
        {
            if (!AuditLogCursor.TryRead(cursor, ascending.Value, out var position))
            {
                return Invalid("cursor is not a cursor of this route for this direction; pass result_info.cursors.after as it came");
            }

            after = position;
        }

        return new AuditEntryQuery(accountId, alsoAddressed, since, before, ascending.Value, limit, after, exclusions, onlyResources);
    }

    /// <summary>
    /// <c>resource_id=ID</c> (an extension: Cloudflare's filters only exclude): only the entries about these
    /// resources, e.g. one secret's history.
    /// </summary>
    private static StoreError? Only(ref List<string>? resources, StringValues given)
    {
        var values = given.Where(v => !string.IsNullOrEmpty(v)).Select(v => HexId().IsMatch(v!) ? v!.ToLowerInvariant() : v!).Distinct().ToList();
        if (values.Count == 0)
        {
            return Invalid("resource_id is the id of a resource, as the entries give it");
        }

        resources = [.. resources ?? [], .. values];
        return null;
    }

    private static StoreError? Exclude(ref AuditExclusions x, string filter, StringValues given)
    {
        var values = given.Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).Distinct().ToList();
        switch (filter)
        {
            case "id" or "audit_log_id":
                var seqs = new List<long>();
                foreach (var v in values)
                {
                    if (!long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
                    {
                        return Invalid($"{filter}.not takes entry ids as the entries give them (digits)");
                    }

                    seqs.Add(seq);
                }

                x = x with { Seqs = [.. x.Seqs, .. seqs] };
                return null;
            case "action_type":
                return Known(filter, values, AuditLogVocabulary.ActionTypes)
                    ?? Set(ref x, x with { Actions = [.. x.Actions, .. values.SelectMany(t => AuditLogVocabulary.ActionsByType.GetValueOrDefault(t, []))] });
            case "action_result":
                return Known(filter, values, ["success", "failure"])
                    ?? Set(ref x, x with { Allowed = x.Allowed || values.Contains("success"), Refused = x.Refused || values.Contains("failure") });
            case "actor_type":
                return Known(filter, values, AuditLogVocabulary.ActorTypes)
                    ?? Set(ref x, x with { PrincipalPatterns = [.. x.PrincipalPatterns, .. AuditLogVocabulary.Actors.Where(a => values.Contains(a.Type)).Select(a => a.Pattern)] });
            case "actor_context":
                return Known(filter, values, AuditLogVocabulary.ActorContexts)
                    ?? Set(ref x, x with { PrincipalPatterns = [.. x.PrincipalPatterns, .. AuditLogVocabulary.Actors.Where(a => values.Contains(a.Context)).Select(a => a.Pattern)] });
            case "actor_token_id":
                x = x with { Principals = [.. x.Principals, .. values.Select(v => $"token:{v.ToLowerInvariant()}")] };
                return null;
            case "actor_email":
                x = x with { Principals = [.. x.Principals, .. values.Select(v => $"key:{v.ToLowerInvariant()}")] };
                return null;
            case "actor_id":
                // An actor's id is its token's id, its key's e-mail, its service's name, or "operator" (AuditLogEntryDto).
                x = x with
                {
                    Principals = [.. x.Principals, .. values.SelectMany(v => new[] { $"token:{v.ToLowerInvariant()}", $"key:{v.ToLowerInvariant()}", $"service:{v}" })],
                    PrincipalPatterns = [.. x.PrincipalPatterns, .. values.Contains("operator") ? new[] { "operator" } : []],
                };
                return null;
            case "actor_token_name":
                x = x with { TokenNames = [.. x.TokenNames, .. values] };
                return null;
            case "account_name":
                x = x with { AccountNames = [.. x.AccountNames, .. values] };
                return null;
            case "resource_id":
                x = x with { ResourceIds = [.. x.ResourceIds, .. values.Select(v => HexId().IsMatch(v) ? v.ToLowerInvariant() : v)] };
                return null;
            case "resource_type":
                var kinds = AuditLogVocabulary.ResourceTypes.Where(t => values.Contains(t.Value)).Select(t => t.Key);
                x = x with { ResourceKinds = [.. x.ResourceKinds, .. kinds] };
                return null;
            case "resource_product":
                x = x with { Everything = x.Everything || values.Contains(AuditLogVocabulary.Product) };
                return null;
            case "raw_status_code":
                var statuses = new List<int>();
                foreach (var v in values)
                {
                    if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var status))
                    {
                        return Invalid("raw_status_code.not takes HTTP status codes");
                    }

                    statuses.Add(status);
                }

                x = x with { Statuses = [.. x.Statuses, .. statuses] };
                return null;
            case "raw_cf_ray_id":
                x = x with { RequestIds = [.. x.RequestIds, .. values] };
                return null;
            case "raw_method":
                // Entries recorded before migration 0014 have no method, and such a filter keeps them.
                x = x with { Methods = [.. x.Methods, .. values.Select(v => v.ToUpperInvariant())] };
                return null;
            case "raw_uri":
                // The target as the entries give it (path and query as received); entries without one are kept.
                x = x with { Uris = [.. x.Uris, .. values] };
                return null;
            default:
                // zone_id, zone_name: no entry has a zone.
                return null;
        }
    }

    private static StoreError? Set(ref AuditExclusions x, AuditExclusions with)
    {
        x = with;
        return null;
    }

    private static StoreError? Known(string filter, IEnumerable<string> values, IReadOnlyList<string> known) =>
        values.FirstOrDefault(v => !known.Contains(v)) is { } unknown
            ? Invalid($"{filter}.not={unknown} is not one of {string.Join(", ", known)}")
            : null;

    private static string? One(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;

    private static bool TryTime(string? text, out DateTime time)
    {
        time = default;
        if (text is null)
        {
            return false;
        }

        if (Date().IsMatch(text))
        {
            if (!DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out time))
            {
                return false;
            }

            return true;
        }

        if (!Rfc3339().IsMatch(text) || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return false;
        }

        time = parsed.UtcDateTime;
        return true;
    }

    private static StoreError Invalid(string detail) => new(ErrorKind.Validation, $"invalid_audit_filter: {detail}");

    [GeneratedRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    private static partial Regex Date();

    [GeneratedRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})$")]
    private static partial Regex Rfc3339();

    [GeneratedRegex("^[0-9a-fA-F]{32}$")]
    private static partial Regex HexId();
}

/// <summary>
/// The cursor of <c>…/logs/audit</c>: the direction and the last entry's place (time in microseconds, then seq), so the
/// next page starts right after it whatever was appended meanwhile. Opaque to clients; base64url text.
/// </summary>
public static class AuditLogCursor
{
    public static string Write(AuditPosition position, bool ascending)
    {
        var micros = (position.At.ToUniversalTime() - DateTime.UnixEpoch).Ticks / 10;
        var text = string.Create(CultureInfo.InvariantCulture, $"{(ascending ? 'a' : 'd')}.{micros}.{position.Seq}");
        return Convert.ToBase64String(Encoding.ASCII.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static bool TryRead(string cursor, bool ascending, out AuditPosition position)
    {
        position = default;
        if (cursor.Length is 0 or > 100)
        {
            return false;
        }

        var base64 = cursor.Replace('-', '+').Replace('_', '/');
        base64 += new string('=', (4 - (base64.Length % 4)) % 4);
        Span<byte> bytes = stackalloc byte[100];
        if (!Convert.TryFromBase64String(base64, bytes, out var written))
        {
            return false;
        }

        var parts = Encoding.ASCII.GetString(bytes[..written]).Split('.');
        if (parts.Length != 3 || parts[0] != (ascending ? "a" : "d")
            || !long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var micros)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
            || micros < 0 || micros > (DateTime.MaxValue - DateTime.UnixEpoch).Ticks / 10)
        {
            return false;
        }

        position = new AuditPosition(DateTime.UnixEpoch.AddTicks(micros * 10), seq);
        return true;
    }
}
