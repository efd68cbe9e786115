using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SecretsStore.Api.Access;
using SecretsStore.Api.Audit;
using SecretsStore.Api.OpenApi;
using SecretsStore.Api.Wire;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Abstractions.Audit;

namespace SecretsStore.Api.Endpoints;

/// <summary>Operator routes for accounts and their quota (docs/access.md, extension).</summary>
public static class AdminAccountsApi
{
    public static RouteGroupBuilder MapAdminAccountsApi(this RouteGroupBuilder admin)
    {
        admin.MapPost("/accounts", CreateAccount).WithName("AdminCreateAccount").WithSummary("Creates an account.")
            .AcceptsJson<AccountCreateRequest>()
            .Produces<Envelope<AccountRecord>>()
            .ProducesAccessErrors();
        admin.MapGet("/accounts", ListAccounts).WithName("AdminListAccounts").WithSummary("Lists accounts.")
            .Produces<Envelope<AccountRecord[]>>()
            .ProducesAccessErrors();
        return admin;
    }

    /// <summary>Maps under <c>/admin/v1/accounts/{account_id}</c>, behind <see cref="AdminAccountFilter"/>.</summary>
    public static RouteGroupBuilder MapAdminAccountQuotaApi(this RouteGroupBuilder account)
    {
        account.MapPut("/quota", SetQuota).WithName("AdminSetQuota")
            .WithSummary("Sets an account's own limits {secrets, stores}; null restores the default.")
            .Audited(AuditActions.QuotaSet)
            .AcceptsJson<QuotaSetRequest>()
            .Produces<Envelope<QuotaDto>>()
            .ProducesAccessErrors()
            .ProducesErrors(StatusCodes.Status404NotFound);
        return account;
    }

    public static Task<IResult> CreateAccount(HttpRequest request, AccountRepository accounts) =>
        BodyHandling.WithBodyAsync(request, body => AdminShapes.OptionalName(body), async name =>
            ApiResults.Ok(await accounts.CreateAsync(name ?? "", request.HttpContext.RequestAborted)));

    public static async Task<IResult> ListAccounts(AccountRepository accounts, CancellationToken ct) =>
        ApiResults.Ok(await accounts.ListAsync(ct));

    public static Task<IResult> SetQuota(HttpContext http, IGrainFactory grains) =>
        BodyHandling.WithBodyAsync(http.Request, AdminShapes.Limits, async limits =>
            ApiResults.Ok(QuotaDto.From(await grains.AccountGrain(AdminAccountFilter.Get(http)).SetLimitsAsync(limits, AuditScope.Of(http)!.Caller))));
}

/// <summary>Request shapes and look-ups shared by the admin routes.</summary>
internal static class AdminShapes
{
    public static Outcome<string?> OptionalName(JsonElement body)
    {
        var parsed = BodyFields.Of(body, "");
        if (!parsed.Succeeded)
        {
            return parsed.Error!;
        }

        var name = parsed.Value!.String("name");
        return parsed.Value.Error ?? (Outcome<string?>)name;
    }

    public static Outcome<QuotaLimits> Limits(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return Errors.InvalidJsonBody("expected {\"secrets\", \"stores\"}");
        }

        int? Limit(string name, out StoreError? error)
        {
            error = null;
            if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var limit) && limit >= 0)
            {
                return limit;
            }

            error = Errors.InvalidJsonBody($"{name} must be a non-negative integer or null", $"/{name}");
            return null;
        }

        var secrets = Limit("secrets", out var secretsError);
        var stores = Limit("stores", out var storesError);
        return secretsError ?? storesError ?? (Outcome<QuotaLimits>)new QuotaLimits(secrets, stores);
    }
}
