using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using SecretsStore.Api.Audit;
using SecretsStore.Api.OpenApi;

namespace SecretsStore.Api.Endpoints;

/// <summary>Operator routes for accounts and their quota (docs/access.md, "The operator's routes").</summary>
public static class AdminAccountsApi
{
    public static RouteGroupBuilder MapAdminAccountsApi(this RouteGroupBuilder admin)
    {
        admin.MapPost("/accounts", CreateAccount).WithName("AdminCreateAccount").WithSummary("Creates an account.")
            .Audited(AuditActions.AccountCreate)
            .AcceptsJson<AccountCreateRequest>();
        admin.MapGet("/accounts", ListAccounts).WithName("AdminListAccounts").WithSummary("Lists accounts.");
        return admin;
    }

    /// <summary>Maps under <c>/admin/v1/accounts/{account_id}</c>, behind <see cref="AdminAccountFilter"/>.</summary>
    public static RouteGroupBuilder MapAdminAccountApi(this RouteGroupBuilder account)
    {
        account.MapGet("", GetAccount).WithName("AdminGetAccount").WithSummary("Gets an account.")
            .ProducesErrors(StatusCodes.Status404NotFound);
        account.MapDelete("", DeleteAccount).WithName("AdminDeleteAccount")
            .WithSummary("Deletes an account with its credentials and quota; 409 account_not_empty while it has stores, unless force=true, which deletes them and their secrets too.")
            .Audited(AuditActions.AccountDelete)
            .ProducesErrors(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        account.MapGet("/quota", GetQuota).WithName("AdminGetQuota")
            .WithSummary("An account's limits and usage; override is the account's own limit, null when the deployment's default applies.")
            .ProducesErrors(StatusCodes.Status404NotFound);
        account.MapPut("/quota", SetQuota).WithName("AdminSetQuota")
            .WithSummary("Sets both of an account's limits {secrets, stores}, both required; null restores that limit's default.")
            .Audited(AuditActions.QuotaSet)
            .AcceptsJson<QuotaSetRequest>()
            .ProducesErrors(StatusCodes.Status404NotFound);
        account.MapPatch("/quota", ChangeQuota).WithName("AdminChangeQuota")
            .WithSummary("Changes only the limits given {secrets?, stores?}; null restores that limit's default.")
            .Audited(AuditActions.QuotaSet)
            .AcceptsJson<QuotaChangeRequest>()
            .ProducesErrors(StatusCodes.Status404NotFound);
        return account;
    }

    /// <summary>The account and its <c>account.create</c> record commit together; the record is in the new account's trail.</summary>
    public static Task<Answer<AdminAccountDto>> CreateAccount([AsParameters] OperatorAudit audit, HttpRequest request, AccountRepository accounts, CancellationToken ct) =>
        BodyHandling.WithBodyAsync(request, AccountCreateRequest.Parse, async name =>
            ApiResults.Ok(AdminAccountDto.From(await accounts.CreateAsync(name ?? "", audit.Allowed(), ct))));

    public static async Task<Answer<AdminAccountDto[]>> ListAccounts(AccountRepository accounts, CancellationToken ct) =>
        ApiResults.Ok((await accounts.ListAsync(ct)).Select(AdminAccountDto.From).ToArray());

    public static async Task<Answer<AdminAccountDto>> GetAccount([AsParameters] AdminAccountRoute route, AccountRepository accounts, CancellationToken ct) =>
        await accounts.FindAsync(route.AccountId, ct) is { } account
            ? ApiResults.Ok(AdminAccountDto.From(account))
            : Errors.AccountNotFound();

    public static async Task<Answer<object>> DeleteAccount(
        [AsParameters] AdminAccountRoute route, [AsParameters] OperatorAudit audit, IGrainFactory grains, PrincipalResolver resolver,
        [FromQuery(Name = "force")] string? force)
    {
        var accountId = route.AccountId;
        var outcome = await grains.AccountGrain(accountId)
            .DeleteAccountAsync(audit.Caller, string.Equals(force, "true", StringComparison.OrdinalIgnoreCase));
        if (outcome.Succeeded)
        {
            // The account's tokens and keys are gone: every gateway stops honouring them, and takes the account for
            // gone, as after a revocation.
            resolver.Forget(accountId);
        }

        return ApiResults.From(outcome, _ => ApiResults.Done());
    }

    public static async Task<Answer<AdminQuotaDto>> GetQuota([AsParameters] AdminAccountRoute route, IGrainFactory grains) =>
        ApiResults.Ok(AdminQuotaDto.From(await grains.AccountGrain(route.AccountId).GetQuotaAsync()));

    public static Task<Answer<AdminQuotaDto>> SetQuota([AsParameters] AdminAccountRoute route, [AsParameters] OperatorAudit audit, HttpRequest request, IGrainFactory grains) =>
        ChangeQuotaAsync(route, audit, request, grains, QuotaSetRequest.Parse);

    public static Task<Answer<AdminQuotaDto>> ChangeQuota([AsParameters] AdminAccountRoute route, [AsParameters] OperatorAudit audit, HttpRequest request, IGrainFactory grains) =>
        ChangeQuotaAsync(route, audit, request, grains, QuotaChangeRequest.Parse);

    private static Task<Answer<AdminQuotaDto>> ChangeQuotaAsync(
        AdminAccountRoute route, OperatorAudit audit, HttpRequest request, IGrainFactory grains, Func<JsonElement, Outcome<QuotaChange>> parse) =>
        BodyHandling.WithBodyAsync(request, parse, async change =>
            ApiResults.Ok(AdminQuotaDto.From(await grains.AccountGrain(route.AccountId).ChangeLimitsAsync(change, audit.Caller))));
}
