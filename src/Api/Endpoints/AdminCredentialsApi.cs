using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using SecretsStore.Api.Audit;
using SecretsStore.Api.OpenApi;
using SecretsStore.Grains.Abstractions.Audit;

namespace SecretsStore.Api.Endpoints;

/// <summary>Operator routes for account tokens and account keys (docs/access.md, extension).</summary>
public static class AdminCredentialsApi
{
    /// <summary>Maps under <c>/admin/v1/accounts/{account_id}</c>, behind <see cref="AdminAccountFilter"/>.</summary>
    public static RouteGroupBuilder MapAdminCredentialsApi(this RouteGroupBuilder account)
    {
        account.MapPost("/tokens", CreateToken).WithName("AdminCreateToken")
            .WithSummary("Creates an account token {name, permission: read|write}; its value is shown once.")
            .AcceptsJson<TokenCreateRequest>()
            .Audited(AuditActions.TokenCreate)
            .Produces<Envelope<CreatedToken>>()
            .ProducesAccessErrors()
            .ProducesErrors(StatusCodes.Status404NotFound);
        account.MapGet("/tokens", ListTokens).WithName("AdminListTokens")
            .WithSummary("Lists an account's live tokens, without their values.")
            .Produces<Envelope<AdminTokenDto[]>>()
            .ProducesAccessErrors()
            .ProducesErrors(StatusCodes.Status404NotFound);
        account.MapDelete("/tokens/{token_id}", RevokeToken).WithName("AdminRevokeToken")
            .WithSummary("Revokes a token.")
            .Audited(AuditActions.TokenRevoke)
            .Produces<Envelope<object>>()
            .ProducesAccessErrors()
            .ProducesErrors(StatusCodes.Status404NotFound);
        account.MapPost("/keys", CreateKey).WithName("AdminCreateKey")
            .WithSummary("Issues an account key for an email {email}; its value is shown once.")
            .AcceptsJson<KeyCreateRequest>()
            .Audited(AuditActions.KeyCreate)
            .Produces<Envelope<CreatedKey>>()
            .ProducesAccessErrors()
            .ProducesErrors(StatusCodes.Status404NotFound);
        account.MapGet("/keys", ListKeys).WithName("AdminListKeys")
            .WithSummary("Lists an account's keys by email, without their values.")
            .Produces<Envelope<AdminKeyDto[]>>()
            .ProducesAccessErrors()
            .ProducesErrors(StatusCodes.Status404NotFound);
        account.MapDelete("/keys/{email}", DeleteKey).WithName("AdminDeleteKey")
            .WithSummary("Revokes an email's account key.")
            .Audited(AuditActions.KeyDelete)
            .Produces<Envelope<object>>()
            .ProducesAccessErrors()
            .ProducesErrors(StatusCodes.Status404NotFound);
        return account;
    }

    public static Task<IResult> CreateToken([AsParameters] AdminAccountRoute route, CredentialRepository credentials, TimeProvider clock) =>
        BodyHandling.WithBodyAsync(route.Http.Request, TokenCreateRequest.Parse, async body =>
        {
            var audit = AuditScope.Of(route.Http)!.Allowed(clock.GetUtcNow().UtcDateTime);
            var (id, token) = await credentials.CreateTokenAsync(route.AccountId, body.Name, body.Permission, audit, route.Http.RequestAborted);
            return ApiResults.Ok(new CreatedToken(id, token));
        });

    public static async Task<IResult> ListTokens([AsParameters] AdminAccountRoute route, CredentialRepository credentials, CancellationToken ct) =>
        ApiResults.Ok((await credentials.ListTokensAsync(route.AccountId, ct)).Select(AdminTokenDto.From).ToList());

    public static async Task<IResult> ListKeys([AsParameters] AdminAccountRoute route, CredentialRepository credentials, CancellationToken ct) =>
        ApiResults.Ok((await credentials.ListKeysAsync(route.AccountId, ct)).Select(AdminKeyDto.From).ToList());

    public static async Task<IResult> RevokeToken(
        [AsParameters] AdminAccountRoute route, CredentialRepository credentials, PrincipalResolver resolver, TimeProvider clock, [FromRoute(Name = "token_id")] string tokenId)
    {
        var http = route.Http;
        var scope = AuditScope.Of(http)!;
        if (!await credentials.RevokeTokenAsync(route.AccountId, tokenId, scope.Allowed(clock.GetUtcNow().UtcDateTime), http.RequestAborted))
        {
            return await GatewayAudit.RefuseAsync(http, ApiResults.Error(404, 1001, "token_not_found"));
        }

        resolver.Forget();
        return ApiResults.Ok<object?>(null);
    }

    public static Task<IResult> CreateKey([AsParameters] AdminAccountRoute route, CredentialRepository credentials, TimeProvider clock) =>
        BodyHandling.WithBodyAsync(route.Http.Request, KeyCreateRequest.Parse, async email =>
        {
            var audit = AuditScope.Of(route.Http)!.Allowed(clock.GetUtcNow().UtcDateTime);
            var key = await credentials.CreateKeyAsync(route.AccountId, email, audit, route.Http.RequestAborted);
            return ApiResults.Ok(new CreatedKey(email, key));
        });

    public static async Task<IResult> DeleteKey(
        [AsParameters] AdminAccountRoute route, CredentialRepository credentials, PrincipalResolver resolver, TimeProvider clock, string email)
    {
        var http = route.Http;
        var scope = AuditScope.Of(http)!;
        if (!await credentials.DeleteKeyAsync(route.AccountId, email, scope.Allowed(clock.GetUtcNow().UtcDateTime), http.RequestAborted))
        {
            return await GatewayAudit.RefuseAsync(http, ApiResults.Error(404, 1001, "key_not_found"));
        }

        resolver.Forget();
        return ApiResults.Ok<object?>(null);
    }
}
