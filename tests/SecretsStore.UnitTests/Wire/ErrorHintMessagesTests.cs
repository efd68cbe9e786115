using SecretsStore.Api.Endpoints;
using SecretsStore.Api.Wire;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Persistence.Audit;

namespace SecretsStore.UnitTests.Wire;

/// <summary>
/// Refusals that used to leave the caller guessing (issue 17, "Errors"): each keeps its status, code and the token
/// clients match on, and goes on with what to do. The messages are pinned whole, since a client or a person reads them.
/// </summary>
public sealed class ErrorHintMessagesTests
{
    private static (int Status, int Code, string Message) OnTheWire(StoreError error) => (error.Wire.Status, error.Wire.Code, error.Message);

    [Fact]
    public void AnUnknownBearerTokenKeepsCloudflaresCodeAndWordsAndSaysHowToSendOne()
    {
        Assert.Equal(
            (401, 10000, "Authentication error: this token is unknown, revoked or malformed; send a current token as Authorization: Bearer <token>"),
            OnTheWire(GatewayErrors.UnknownToken()));
    }

    [Fact]
    public void AnAuthorizationHeaderThatIsNotBearerSaysBearerIsRequired()
    {
        Assert.Equal(
            (401, 10000, "Authentication error: the Authorization header takes a token as Bearer <token>; an account key goes in X-Auth-Email and X-Auth-Key instead"),
            OnTheWire(GatewayErrors.NotABearerToken()));
    }

    [Fact]
    public void AnUnknownAccountKeySaysWhichHeadersFailed()
    {
        Assert.Equal(
            (401, 10000, "Authentication error: no account key matches this X-Auth-Email and X-Auth-Key; the key is unknown or deleted, or belongs to another email"),
            OnTheWire(GatewayErrors.UnknownKey()));
    }

    [Fact]
    public void EveryAuthenticationFailureStartsWithCloudflaresMessageAndAHint()
    {
        // The cloudflare SDK and wrangler show the message; clients that match on it match its start.
        Assert.All([GatewayErrors.UnknownToken(), GatewayErrors.NotABearerToken(), GatewayErrors.UnknownKey()],
            error => Assert.StartsWith(GatewayErrors.AuthenticationFailed + ": ", error.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void TheAdminTokenOnTheSystemRoutesIsToldThoseTakeServiceTokens()
    {
        var (status, code, message) = OnTheWire(GatewayErrors.AdminTokenOnSystemRoutes());
        Assert.Equal(
            (403, 9109, "Unauthorized to access requested resource: the admin token opens only the /admin/v1 routes; the system routes take only service tokens (POST /admin/v1/services makes one)"),
            (status, code, message));
        Assert.DoesNotContain("account token", message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheAdminTokenOnTheAccountRoutesIsStillToldToUseAnAccountTokenOrKey()
    {
        Assert.Equal(
            (403, 9109, "Unauthorized to access requested resource: the admin token opens only the /admin/v1 routes; use an account token or key here"),
            OnTheWire(GatewayErrors.AdminTokenOutsideAdmin()));
    }

    [Theory]
    [InlineData("since")]
    [InlineData("until")]
    public void AnAuditTimeThatIsNotOneNamesRfc3339WithAnExample(string field)
    {
        var refused = Filter(field, "yesterday");
        Assert.False(refused.Succeeded);
        Assert.Equal((400, 1001, $"invalid_audit_filter: {field}; give an RFC 3339 time, e.g. 2026-01-31T09:00:00Z"), OnTheWire(refused.Error));
    }

    [Theory]
    [InlineData("since")]
    [InlineData("until")]
    public void TheExampleTheTimeHintGivesIsAccepted(string field)
    {
        var example = GatewayErrors.InvalidAuditTime(field).Message.Split("e.g. ")[1];
        var accepted = Filter(field, example);
        Assert.True(accepted.Succeeded);
        var expected = new DateTime(2026, 1, 31, 9, 0, 0, DateTimeKind.Utc);
        Assert.Equal(expected, field == "since" ? accepted.Value.Since : accepted.Value.Until);
    }

    [Fact]
    public void AnUnknownAuditActionListsEveryAction()
    {
        var refused = Filter("action", "secret.steal");
        Assert.False(refused.Succeeded);
        Assert.Equal((400, 1001, $"invalid_audit_filter: action; valid actions are {string.Join(", ", AuditActions.All)}"), OnTheWire(refused.Error));
        Assert.Contains("secret.read_value", refused.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("secret_id")]
    [InlineData("store_id")]
    public void AnAuditIdFilterThatIsNotAnIdSaysWhatAnIdIs(string field)
    {
        var refused = Filter(field, "nope");
        Assert.False(refused.Succeeded);
        Assert.Equal((400, 1001, $"invalid_id: {field}; an id is 32 hex digits, as answers write it"), OnTheWire(refused.Error));
    }

    private static Outcome<AuditFilter> Filter(string field, string value) => new AuditQueryParameters(
        Page: null, PerPage: null,
        Since: field == "since" ? value : null,
        Until: field == "until" ? value : null,
        Action: field == "action" ? value : null,
        Principal: null,
        SecretId: field == "secret_id" ? value : null,
        SecretName: null,
        StoreId: field == "store_id" ? value : null).ToFilter(accountId: null);
}
