using Microsoft.AspNetCore.Mvc;
using SecretsStore.Api.Audit;
using SecretsStore.Api.OpenApi;

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
            .ProducesErrors(StatusCodes.Status404NotFound);
        account.MapGet("/tokens", ListTokens).WithName("AdminListTokens")
            .WithSummary("Lists an account's live tokens, without their values.")
            .ProducesErrors(StatusCodes.Status404NotFound);
        account.MapDelete("/tokens/{token_id}", RevokeToken).WithName("AdminRevokeToken")
            .WithSummary("Revokes a token.")
            .Audited(AuditActions.TokenRevoke)
            .ProducesErrors(StatusCodes.Status404NotFound);
        account.MapPost("/keys", CreateKey).WithName("AdminCreateKey")
            .WithSummary("Issues an account key for an email {email}; its value is shown once.")
            .AcceptsJson<KeyCreateRequest>()
            .Audited(AuditActions.KeyCreate)
            .ProducesErrors(StatusCodes.Status404NotFound);
        account.MapGet("/keys", ListKeys).WithName("AdminListKeys")
            .WithSummary("Lists an account's keys by email, without their values.")
            .ProducesErrors(StatusCodes.Status404NotFound);
        account.MapDelete("/keys/{email}", DeleteKey).WithName("AdminDeleteKey")
            .WithSummary("Revokes an email's account key.")
            .Audited(AuditActions.KeyDelete)
            .ProducesErrors(StatusCodes.Status404NotFound);
        return account;
    }

    public static Task<Answer<CreatedToken>> CreateToken(
        [AsParameters] AdminAccountRoute route, [AsParameters] OperatorAudit audit, HttpRequest request, CredentialRepository credentials, CancellationToken ct) =>
        BodyHandling.WithBodyAsync(request, TokenCreateRequest.Parse, async body =>
        {
            var (id, token) = await credentials.CreateTokenAsync(route.AccountId, body.Name, body.Permission, audit.Allowed(), ct);
            return ApiResults.Ok(new CreatedToken(id, token));
        });

    public static async Task<Answer<AdminTokenDto[]>> ListTokens([AsParameters] AdminAccountRoute route, CredentialRepository credentials, CancellationToken ct) =>
        ApiResults.Ok((await credentials.ListTokensAsync(route.AccountId, ct)).Select(AdminTokenDto.From).ToArray());

    public static async Task<Answer<AdminKeyDto[]>> ListKeys([AsParameters] AdminAccountRoute route, CredentialRepository credentials, CancellationToken ct) =>
        ApiResults.Ok((await credentials.ListKeysAsync(route.AccountId, ct)).Select(AdminKeyDto.From).ToArray());

    public static async Task<Answer<object>> RevokeToken(
        [AsParameters] AdminAccountRoute route, [AsParameters] OperatorAudit audit, CredentialRepository credentials, PrincipalResolver resolver,
        [FromRoute(Name = "token_id")] string tokenId, CancellationToken ct)
    {
        if (!await credentials.RevokeTokenAsync(route.AccountId, tokenId, audit.Allowed(), ct))
        {
            return GatewayErrors.TokenNotFound();
        }

        resolver.Forget();
        return ApiResults.Done();
    }

    public static Task<Answer<CreatedKey>> CreateKey(
        [AsParameters] AdminAccountRoute route, [AsParameters] OperatorAudit audit, HttpRequest request, CredentialRepository credentials,
        PrincipalResolver resolver, CancellationToken ct) =>
        BodyHandling.WithBodyAsync(request, KeyCreateRequest.Parse, async email =>
        {
            var key = await credentials.CreateKeyAsync(route.AccountId, email, audit.Allowed(), ct);
            resolver.Forget(); // a key issued again replaces the email's earlier key, which stops working
            return ApiResults.Ok(new CreatedKey(email, key));
        });

    public static async Task<Answer<object>> DeleteKey(
        [AsParameters] AdminAccountRoute route, [AsParameters] OperatorAudit audit, CredentialRepository credentials, PrincipalResolver resolver,
        string email, CancellationToken ct)
    {
        if (!await credentials.DeleteKeyAsync(route.AccountId, email, audit.Allowed(), ct))
        {
            return GatewayErrors.KeyNotFound();
        }

        resolver.Forget();
        return ApiResults.Done();
    }
}
