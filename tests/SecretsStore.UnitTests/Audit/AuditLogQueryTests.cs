using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using SecretsStore.Api.Audit;
using SecretsStore.Api.Endpoints;
using SecretsStore.Persistence.Audit;

namespace SecretsStore.UnitTests.Audit;

/// <summary>
/// The query of <c>…/logs/audit</c> as the SDK sends it, mapped onto the trail's columns; and its cursor, which must
/// carry an entry's place exactly (to the microsecond) and refuse anything it did not write.
/// </summary>
public sealed class AuditLogQueryTests
{
    private static readonly Guid Account = Guid.NewGuid();

    private static AuditEntryQuery Parse(params (string Name, string[] Values)[] parameters)
    {
        var query = new QueryCollection(parameters.ToDictionary(p => p.Name, p => new StringValues(p.Values)));
        var parsed = AuditLogQuery.Parse(query, Account, alsoAddressed: false);
        Assert.True(parsed.Succeeded, parsed.Succeeded ? "" : parsed.Error.Message);
        return parsed.Value;
    }

    [Fact]
    public void ADateIsUtcMidnightAndATimeKeepsItsOffset()
    {
        var query = Parse(("since", ["2026-01-31"]), ("before", ["2026-02-01T09:30:00.25+02:00"]));
        Assert.Equal((new DateTime(2026, 1, 31, 0, 0, 0, DateTimeKind.Utc), DateTimeKind.Utc), (query.Since, query.Since.Kind));
        Assert.Equal(new DateTime(2026, 2, 1, 7, 30, 0, 250, DateTimeKind.Utc), query.Before);
        Assert.Equal((AuditLogQuery.DefaultLimit, false, (AuditPosition?)null), (query.Limit, query.Ascending, query.After));
    }

    [Fact]
    public void ExclusionsMapOntoTheTrailsColumnsThroughTheVocabulary()
    {
        var query = Parse(
            ("since", ["2026-01-01"]), ("before", ["2026-02-01"]),
            ("action_type.not", ["view", "update"]), ("action_result.not", ["failure"]), ("actor_type.not", ["user", "system"]),
            ("actor_token_id.not", ["ABC"]), ("actor_email.not", ["Ops@Example.test"]), ("id.not", ["12", "13"]),
            ("resource_type.not", ["secrets_store.store", "no.such.type"]), ("raw_status_code.not", ["409"]));
        var x = query.Exclusions;
        Assert.Equal(
            AuditLogVocabulary.ActionsByType["view"].Concat(AuditLogVocabulary.ActionsByType["update"]).Order(),
            x.Actions.Order());
        Assert.Contains(AuditActions.SecretReadValue, x.Actions);
        Assert.Contains(AuditActions.SecretPatch, x.Actions);
        Assert.DoesNotContain(AuditActions.SecretCreate, x.Actions);
        Assert.Equal((true, false), (x.Refused, x.Allowed));
        Assert.Equal(["key:%"], x.PrincipalPatterns);
        Assert.Equal(["token:abc", "key:ops@example.test"], x.Principals);
        Assert.Equal([12L, 13L], x.Seqs);
        Assert.Equal(["store"], x.ResourceKinds);
        Assert.Equal([409], x.Statuses);
    }

    [Fact]
    public void MethodAndUriExclusionsAreHonouredAndWhatTheTrailDoesNotRecordIsRefused()
    {
        var query = Parse(
            ("since", ["2026-01-01"]), ("before", ["2026-02-01"]),
            ("raw_method.not", ["get", "PATCH"]), ("raw_uri.not", ["/client/v4/accounts/x/logs/audit?since=a&before=b"]));
        Assert.Equal(["GET", "PATCH"], query.Exclusions.Methods);
        Assert.Equal(["/client/v4/accounts/x/logs/audit?since=a&before=b"], query.Exclusions.Uris);

        foreach (var unrecorded in new[] { "actor_ip_address.not", "resource_scope.not", "product_category.not", "raw_user_agent.not" })
        {
            var parameters = new QueryCollection(new Dictionary<string, StringValues>
            {
                ["since"] = "2026-01-01", ["before"] = "2026-02-01", [unrecorded] = "x",
            });
            Assert.False(AuditLogQuery.Parse(parameters, Account, alsoAddressed: false).Succeeded, unrecorded);
        }
    }

    [Fact]
    public void EveryActionOfTheTrailHasCloudflaresWords()
    {
        foreach (var action in AuditActions.All)
        {
            Assert.True(AuditLogVocabulary.Actions.TryGetValue(action, out var words), action);
            Assert.Contains(words.Type, AuditLogVocabulary.ActionTypes);
            Assert.True(AuditLogVocabulary.ResourceTypes.ContainsKey(AuditLogVocabulary.KindOf(action)), action);
        }
    }

    [Fact]
    public void ACursorCarriesItsPlaceToTheMicrosecondAndOnlyForItsDirection()
    {
        var place = new AuditPosition(new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc).AddTicks(1_234_560), 9_876_543_210);
        var cursor = AuditLogCursor.Write(place, ascending: true);
        Assert.Matches("^[A-Za-z0-9_-]+$", cursor);
        Assert.True(AuditLogCursor.TryRead(cursor, ascending: true, out var read));
        Assert.Equal(place, read);
        Assert.False(AuditLogCursor.TryRead(cursor, ascending: false, out _));
        static string Encoded(string text) => Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(text)).TrimEnd('=');
        foreach (var bad in new[] { "", "!!!", new string('A', 200), Encoded("a.1"), Encoded("a.x.2"), Encoded("a.-5.2"), Encoded("a.1.2.3"), Encoded("x.1.2") })
        {
            Assert.False(AuditLogCursor.TryRead(bad, ascending: true, out _), bad);
        }
    }
}
