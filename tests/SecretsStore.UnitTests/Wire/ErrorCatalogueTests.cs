using SecretsStore.Api.Wire;
using SecretsStore.Grains.Abstractions;

namespace SecretsStore.UnitTests.Wire;

/// <summary>
/// Catalogue entries that replaced a message built where it was answered: each must reach the wire exactly as the
/// message it replaced did (status, code, message, pointer).
/// </summary>
public sealed class ErrorCatalogueTests
{
    private static (int Status, int Code, string Message, string? Pointer) OnTheWire(StoreError error) =>
        (error.Wire.Status, error.Wire.Code, error.Message, error.Pointer);

    [Fact]
    public void TheOperatorsNotFoundsAre404WithCode1001()
    {
        (int, int, string, string?)[] expected = [(404, 1001, "token_not_found", null), (404, 1001, "key_not_found", null), (404, 1001, "service_not_found", null)];
        Assert.Equal(expected, new[] { GatewayErrors.TokenNotFound(), GatewayErrors.KeyNotFound(), GatewayErrors.ServiceNotFound() }.Select(OnTheWire));
    }

    [Fact]
    public void ATakenServiceNameIsAConflictNamingIt() =>
        Assert.Equal((409, 1003, "service_name_already_exists: deployer", "/name"), OnTheWire(GatewayErrors.ServiceNameAlreadyExists("deployer", "/name")));

    [Fact]
    public void ABadAuditFilterIsInputNamingTheParameter() =>
        Assert.Equal((400, 1001, "invalid_audit_filter: since; give an RFC 3339 time, e.g. 2026-01-31T09:00:00Z", null), OnTheWire(GatewayErrors.InvalidAuditTime("since")));

    [Fact]
    public void BatchAndBulkDeleteSizesStateTheirLimits()
    {
        Assert.Equal((400, 1001, "invalid_json_body: expected 1 to 100 secrets", null), OnTheWire(Errors.SecretBatchSize(100)));
        Assert.Equal((400, 1001, "invalid_ids: expected 1 to 1000 ids", "/ids"), OnTheWire(Errors.BulkDeleteSize(1_000)));
    }

    [Fact]
    public void ANulCharacterIsInvalidJsonBodyAtTheField() =>
        Assert.Equal(
            (400, 1001, "invalid_json_body: comment must not contain the character U+0000", "/0/comment"),
            OnTheWire(Errors.NulCharacter("comment", "/0/comment")));

    [Fact]
    public void PagingRefusalsSayWhatEachParameterTakes()
    {
        Assert.Equal((400, 1001, "invalid_paging: page must be a non-negative integer", null), OnTheWire(Errors.InvalidPage()));
        Assert.Equal((400, 1001, "invalid_paging: per_page must be an integer from 1 to 100", null), OnTheWire(Errors.InvalidPerPage(100)));
    }

    [Fact]
    public void TheGatewaysOwnRefusalsKeepCloudflaresStatusesCodesAndWords()
    {
        (int, int, string, string?)[] expected =
        [
            (400, 9106, "Missing X-Auth-Key, X-Auth-Email or Authorization headers", null),
            (413, 1001, "request_body_too_large", null),
            (400, 7003, "Could not route to /accounts/nope, perhaps your object identifier is invalid?", null),
            (404, 7000, "No route for that URI", null),
            (405, 7001, "Method not allowed", null),
            (429, 971, "Please wait and consider throttling your request speed", null),
            (500, 10001, "internal_error", null),
            (503, 10002, "service_unavailable", null),
            (400, 1001, "invalid_json_body", null),
        ];
        StoreError[] refusals =
        [
            GatewayErrors.MissingCredentials(), GatewayErrors.BodyTooLarge(), GatewayErrors.BadAccountId("nope"), GatewayErrors.NoRoute(),
            GatewayErrors.MethodNotAllowed(), GatewayErrors.TooManyRequests(), GatewayErrors.InternalError(), GatewayErrors.Unavailable(), Errors.InvalidJsonBody(),
        ];
        Assert.Equal(expected, refusals.Select(OnTheWire));
    }
}
