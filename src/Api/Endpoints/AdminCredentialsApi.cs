using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SecretsStore.Api.Access;
using SecretsStore.Api.OpenApi;
using SecretsStore.Api.Wire;
using SecretsStore.Grains.Abstractions;

namespace SecretsStore.Api.Endpoints;

/// <summary>The value of a new token, shown this once.</summary>
public sealed record CreatedToken(string Id, string Token);

/// <summary>The value of a new account key, shown this once.</summary>
public sealed record CreatedKey(string Email, string Key);

/// <summary>Operator routes for account tokens and account keys (ACCESS.md, extension).</summary>
public static class AdminCredentialsApi
{
    public static RouteGroupBuilder MapAdminCredentialsApi(this RouteGroupBuilder admin)
    {
        admin.MapPost("/accounts/{account_id}/tokens", CreateToken).WithName("AdminCreateToken")
            .WithSummary("Creates an account token {name, permission: read|write}; its value is shown once.")
            .AcceptsJson<TokenCreateRequest>()
            .Produces<Envelope<CreatedToken>>()
            .ProducesAccessErrors()
            .ProducesErrors(StatusCodes.Status404NotFound);
        admin.MapGet("/accounts/{account_id}/tokens", ListTokens).WithName("AdminListTokens")
            .WithSummary("Lists an account's live tokens, without their values.")
            .Produces<Envelope<TokenRecord[]>>()
            .ProducesAccessErrors()
            .ProducesErrors(StatusCodes.Status404NotFound);
        admin.MapDelete("/accounts/{account_id}/tokens/{token_id}", RevokeToken).WithName("AdminRevokeToken")
            .WithSummary("Revokes a token.")
            .Produces<Envelope<object>>()
            .ProducesAccessErrors()
            .ProducesErrors(StatusCodes.Status404NotFound);
        admin.MapPost("/accounts/{account_id}/keys", CreateKey).WithName("AdminCreateKey")
            .WithSummary("Issues an account key for an email {email}; its value is shown once.")
            .AcceptsJson<KeyCreateRequest>()
            .Produces<Envelope<CreatedKey>>()
            .ProducesAccessErrors()
            .ProducesErrors(StatusCodes.Status404NotFound);
        admin.MapDelete("/accounts/{account_id}/keys/{email}", DeleteKey).WithName("AdminDeleteKey")
            .WithSummary("Revokes an email's account key.")
            .Produces<Envelope<object>>()
            .ProducesAccessErrors()
            .ProducesErrors(StatusCodes.Status404NotFound);
        return admin;
    }

    public static Task<IResult> CreateToken(HttpRequest request, AccountRepository accounts, CredentialRepository credentials, string account_id) =>
        BodyHandling.WithBodyAsync(request, TokenRequest, async body =>
        {
            if (await AdminShapes.FindAccountAsync(accounts, account_id, request.HttpContext.RequestAborted) is not { } accountId)
            {
                return AdminShapes.AccountNotFound();
            }

            var (id, token) = await credentials.CreateTokenAsync(accountId, body.Name, body.Permission, request.HttpContext.RequestAborted);
            return ApiResults.Ok(new CreatedToken(id, token));
        });

    public static async Task<IResult> ListTokens(AccountRepository accounts, CredentialRepository credentials, string account_id, CancellationToken ct) =>
        await AdminShapes.FindAccountAsync(accounts, account_id, ct) is { } accountId
            ? ApiResults.Ok(await credentials.ListTokensAsync(accountId, ct))
            : AdminShapes.AccountNotFound();

    public static async Task<IResult> RevokeToken(
        AccountRepository accounts, CredentialRepository credentials, PrincipalResolver resolver, string account_id, string token_id, CancellationToken ct)
    {
        if (await AdminShapes.FindAccountAsync(accounts, account_id, ct) is not { } accountId)
        {
            return AdminShapes.AccountNotFound();
        }

        if (!await credentials.RevokeTokenAsync(accountId, token_id, ct))
        {
            return ApiResults.Error(404, 1001, "token_not_found");
        }

        resolver.Forget();
        return ApiResults.Ok<object?>(null);
    }

    public static Task<IResult> CreateKey(HttpRequest request, AccountRepository accounts, CredentialRepository credentials, string account_id) =>
        BodyHandling.WithBodyAsync(request, KeyRequest, async email =>
        {
            if (await AdminShapes.FindAccountAsync(accounts, account_id, request.HttpContext.RequestAborted) is not { } accountId)
            {
                return AdminShapes.AccountNotFound();
            }

            var key = await credentials.CreateKeyAsync(accountId, email, request.HttpContext.RequestAborted);
            return ApiResults.Ok(new CreatedKey(email, key));
        });

    public static async Task<IResult> DeleteKey(
        AccountRepository accounts, CredentialRepository credentials, PrincipalResolver resolver, string account_id, string email, CancellationToken ct)
    {
        if (await AdminShapes.FindAccountAsync(accounts, account_id, ct) is not { } accountId)
        {
            return AdminShapes.AccountNotFound();
        }

        if (!await credentials.DeleteKeyAsync(accountId, email, ct))
        {
            return ApiResults.Error(404, 1001, "key_not_found");
        }

        resolver.Forget();
        return ApiResults.Ok<object?>(null);
    }

    private sealed record TokenBody(string Name, Permission Permission);

    private static Outcome<TokenBody> TokenRequest(JsonElement body)
    {
        var parsed = BodyFields.Of(body, "");
        if (!parsed.Succeeded)
        {
            return parsed.Error!;
        }

        var fields = parsed.Value!;
        var name = fields.String("name") ?? "";
        var permission = fields.String("permission");
        if (fields.Error is not null)
        {
            return fields.Error;
        }

        return permission switch
        {
            "read" => new TokenBody(name, Permission.Read),
            "write" => new TokenBody(name, Permission.Write),
            _ => Errors.InvalidJsonBody("permission must be \"read\" or \"write\"", "/permission"),
        };
    }

    private static Outcome<string> KeyRequest(JsonElement body)
    {
        var parsed = BodyFields.Of(body, "");
        if (!parsed.Succeeded)
        {
            return parsed.Error!;
        }

        var email = parsed.Value!.String("email");
        if (parsed.Value.Error is not null)
        {
            return parsed.Value.Error;
        }

        return string.IsNullOrWhiteSpace(email) || !email.Contains('@')
            ? Errors.InvalidJsonBody("email must be an email address", "/email")
            : email.Trim();
    }
}
