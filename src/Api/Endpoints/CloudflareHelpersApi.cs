using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Mvc;

namespace SecretsStore.Api.Endpoints;

/// <summary>The query of the helper lists: paging only.</summary>
public sealed record PageQueryParameters(
    [property: FromQuery(Name = "page")] string? Page,
    [property: FromQuery(Name = "per_page")] string? PerPage);

/// <summary>
/// The Cloudflare account and user routes that wrangler calls around the Secrets Store routes (docs/access.md,
/// "Cloudflare-side helpers"): <c>whoami</c> reads the token and user, and without <c>CLOUDFLARE_ACCOUNT_ID</c>
/// wrangler picks the account from <c>/accounts</c> ∩ <c>/memberships</c>. They describe only the calling account
/// token or key; services and the operator are not users of accounts, so they get 9109.
/// </summary>
public static class CloudflareHelpersApi
{
    public static IEndpointRouteBuilder MapCloudflareHelpersApi(this IEndpointRouteBuilder app)
    {
        var helpers = app.MapGroup(ApiComposition.ClientBase).WithTags("Cloudflare helpers");
        helpers.MapGet("/user/tokens/verify", VerifyToken)
            .WithName("VerifyToken")
            .WithSummary("The calling account token's id and status (active); 9109 for other credentials.");
        helpers.MapGet("/user", GetUser)
            .WithName("GetUser")
            .WithSummary("A minimal user for the calling token or key: an id, and the key's email (null for a token).");
        helpers.MapGet("/accounts", ListAccounts)
            .WithName("ListAccounts")
            .WithSummary("The accounts the calling token or key can use, paged.");
        helpers.MapGet("/memberships", ListMemberships)
            .WithName("ListMemberships")
            .WithSummary("The calling token's or key's membership of each account it can use, paged.");
        return app;
    }

    public static Task<Answer<TokenStatusDto>> VerifyToken(HttpRequest request, PrincipalResolver resolver) =>
        ForAccountPrincipalAsync(request, resolver, principal => Task.FromResult(principal switch
        {
            AccountTokenPrincipal token => ApiResults.Ok(new TokenStatusDto(token.TokenId, "active")),
            // A key is valid but is not a token: this route is not for it.
            _ => GatewayErrors.NotAToken(),
        }));

    public static Task<Answer<UserDto>> GetUser(HttpRequest request, PrincipalResolver resolver) =>
        ForAccountPrincipalAsync(request, resolver, principal => Task.FromResult(principal switch
        {
            AccountTokenPrincipal token => ApiResults.Ok(new UserDto(token.TokenId, null)),
            AccountKeyPrincipal key => ApiResults.Ok(new UserDto(EmailId(key.Email), key.Email)),
            _ => GatewayErrors.AdminTokenOutsideAdmin(),
        }));

    public static Task<ListAnswer<AccountDto>> ListAccounts(
        HttpRequest request, PrincipalResolver resolver, AccountRepository accounts, [AsParameters] PageQueryParameters query, CancellationToken ct) =>
        ForAccountPrincipalAsync(request, resolver, principal =>
            ListUsableAccountsAsync(principal, accounts, query, ct,
                a => new AccountDto(a.Id, a.Name, "standard", a.Created)));

    public static Task<ListAnswer<MembershipDto>> ListMemberships(
        HttpRequest request, PrincipalResolver resolver, AccountRepository accounts, [AsParameters] PageQueryParameters query, CancellationToken ct) =>
        ForAccountPrincipalAsync(request, resolver, principal =>
        {
            // Roles are the permission in Cloudflare's words (docs/access.md). A credential has one membership per
            // account, so the account id names it.
            string[] roles = [RoleOf(principal)];
            return ListUsableAccountsAsync(principal, accounts, query, ct,
                a => new MembershipDto(a.Id, new MembershipAccountDto(a.Id, a.Name), "accepted", roles));
        });

    /// <summary>Credentials first (9106, 10000), then whether they are an account token or key (9109).</summary>
    private static async Task<TAnswer> ForAccountPrincipalAsync<TAnswer>(
        HttpRequest request, PrincipalResolver resolver, Func<Principal, Task<TAnswer>> answer)
        where TAnswer : EnvelopeResult, IEnvelopeAnswer<TAnswer>
    {
        var (principal, failure) = await resolver.ResolveAsync(request);
        if (failure is not null)
        {
            return TAnswer.Refuse(failure);
        }

        return principal switch
        {
            AccountTokenPrincipal or AccountKeyPrincipal => await answer(principal),
            ServicePrincipal => TAnswer.Refuse(GatewayErrors.ServiceTokenOutsideSystemRoutes()),
            _ => TAnswer.Refuse(GatewayErrors.AdminTokenOutsideAdmin()),
        };
    }

    /// <summary>One page of the accounts the principal can use, oldest first, paged as our other lists (docs/api.md, "Lists").</summary>
    private static async Task<ListAnswer<TDto>> ListUsableAccountsAsync<TDto>(
        Principal principal, AccountRepository accounts, PageQueryParameters query, CancellationToken ct, Func<AccountRecord, TDto> toDto)
    {
        var parsed = ListQuery.Parse(new ListRequest(query.Page, query.PerPage, Direction: "asc"), ["created"], scopes: null);
        if (!parsed.Succeeded)
        {
            return parsed.Error;
        }

        IEnumerable<Guid> ids = principal switch
        {
            AccountTokenPrincipal token => [token.AccountId],
            AccountKeyPrincipal key => key.AccountIds,
            _ => [],
        };

        // A credential opens one account or a handful, so one look-up each beats listing every account.
        var usable = new List<AccountRecord>();
        foreach (var id in ids)
        {
            if (await accounts.FindAsync(id, ct) is { } account)
            {
                usable.Add(account);
            }
        }

        // Oldest first, as our other lists page (a page past the end is empty; wrangler pages while page * per_page < total).
        return ApiResults.List(Paging.Apply(usable, parsed.Value, a => a.Created, a => Guid.ParseExact(a.Id, "N")), toDto);
    }

    private static string RoleOf(Principal principal) =>
        principal is AccountTokenPrincipal { Permission: Permission.Read } ? "Secrets Store Read" : "Secrets Store Write";

    /// <summary>A stable 32-hex id for a key's holder, derived from the email so that nothing new is stored.</summary>
    private static string EmailId(string email) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email)))[..32];
}
