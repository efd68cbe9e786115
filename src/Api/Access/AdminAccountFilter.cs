using SecretsStore.Api.Audit;

namespace SecretsStore.Api.Access;

/// <summary>The existing account an admin route names, kept in the request's features by <see cref="AdminAccountFilter"/>.</summary>
public sealed record AdminAccount(Guid Id)
{
    public static AdminAccount Of(HttpContext http) =>
        http.Features.Get<AdminAccount>() ?? throw new InvalidOperationException("Only routes behind AdminAccountFilter name an admin account.");
}

/// <summary>Resolves the account an admin route names (<c>/admin/v1/accounts/{account_id}/…</c>), or answers 404.</summary>
public sealed class AdminAccountFilter(AccountRepository accounts) : IEndpointFilter
{

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var raw = http.Request.RouteValues["account_id"] as string ?? "";
        if (!RouteIds.TryParseAccount(raw, out var accountId) || await accounts.FindAsync(accountId, http.RequestAborted) is null)
        {
            return ApiResults.Error(Errors.AccountNotFound());
        }

        http.Features.Set(new AdminAccount(accountId));
        // The operator's request now names its account: in its records, and in what its grain calls carry.
        return AuditScope.Of(http) is { } scope ? await scope.In(http, accountId).RunAsync(context, next) : await next(context);
    }
}
