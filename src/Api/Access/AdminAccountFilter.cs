using Microsoft.AspNetCore.Http;
using SecretsStore.Api.Audit;
using SecretsStore.Api.Wire;
using SecretsStore.Grains.Abstractions;

namespace SecretsStore.Api.Access;

/// <summary>Resolves the account an admin route names (<c>/admin/v1/accounts/{account_id}/…</c>), or answers 404.</summary>
public sealed class AdminAccountFilter(AccountRepository accounts) : IEndpointFilter
{
    private const string ItemKey = "AdminAccount";

    public static Guid Get(HttpContext context) => (Guid)context.Items[ItemKey]!;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var raw = http.Request.RouteValues["account_id"] as string ?? "";
        if (!RouteIds.TryParseAccount(raw, out var accountId) || await accounts.FindAsync(accountId, http.RequestAborted) is null)
        {
            return await GatewayAudit.RefuseAsync(http, ApiResults.Error(Errors.AccountNotFound()));
        }

        http.Items[ItemKey] = accountId;
        if (AuditScope.Of(http) is { } scope)
        {
            http.Features.Set(scope with { AccountId = accountId });
        }

        return await next(context);
    }
}
