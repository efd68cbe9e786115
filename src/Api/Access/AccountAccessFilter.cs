using Microsoft.AspNetCore.Http;
using SecretsStore.Api.Wire;
using SecretsStore.Grains.Abstractions;

namespace SecretsStore.Api.Access;

/// <summary>The account a request addresses and the grain caller its principal is there.</summary>
public sealed record AccountCall(Guid AccountId, Caller Caller);

/// <summary>
/// Guards the account routes in the order of API.md §6: account id format (7003), credentials (9106, 10000),
/// then whether this principal may use this account with this method (9109). Handlers run only after all three.
/// </summary>
public sealed class AccountAccessFilter(PrincipalResolver resolver) : IEndpointFilter
{
    private const string ItemKey = nameof(AccountCall);

    public static AccountCall Get(HttpContext context) => (AccountCall)context.Items[ItemKey]!;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var rawAccountId = http.Request.RouteValues["account_id"] as string ?? "";
        if (!RouteIds.TryParseAccount(rawAccountId, out var accountId))
        {
            return ApiResults.BadAccountId(rawAccountId);
        }

        var (principal, failure) = await resolver.ResolveAsync(http.Request);
        if (failure is not null)
        {
            return failure;
        }

        var caller = principal!.AsCallerOn(accountId);
        if (caller is null || (!HttpMethods.IsGet(http.Request.Method) && !caller.CanWrite))
        {
            return ApiResults.Unauthorized();
        }

        http.Items[ItemKey] = new AccountCall(accountId, caller);
        return await next(context);
    }
}
