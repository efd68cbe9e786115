using Microsoft.Extensions.Options;
using SecretsStore.Api.Audit;

namespace SecretsStore.Api.Access;

/// <summary>
/// Guards a family of store routes in the order of docs/api.md, "Errors": account id format (7003), credentials (9106, 10000),
/// then whether this principal may use this route family on this account with this method (9109). The handlers
/// behind it are the same for every family; only who may pass differs. On an audited route it opens the request's
/// <see cref="AuditScope"/> once the principal is known, so that <see cref="AuditedRefusals"/> records what it refuses,
/// and runs the handler inside it, so that its grain calls carry the <see cref="AuditedRequest"/>.
/// </summary>
public abstract class RouteAccessFilter(PrincipalResolver resolver, TimeProvider clock, string accountRouteValue) : IEndpointFilter
{
    /// <summary>The grain caller this principal is on this account, or null when this route family is not for it.</summary>
    protected abstract Caller? CallerFor(Principal principal, Guid accountId);

    /// <summary>Why this principal may not use this route family (9109), saying which mistake it is.</summary>
    protected abstract StoreError Refusal(Principal principal);

    /// <summary>
    /// Whether the account in the path exists for this caller, once the caller may use the route family. Null means it
    /// does, or that this route family need not ask: an account token or key exists only while its account does.
    /// </summary>
    protected virtual ValueTask<StoreError?> CheckAccountAsync(Guid accountId, Caller caller, HttpContext http) => new((StoreError?)null);

    /// <remarks>
    /// Not async: with the credential cached, the checks finish at once and the handler's own task is handed back,
    /// rather than awaited inside one more state machine.
    /// </remarks>
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var rawAccountId = http.Request.RouteValues[accountRouteValue] as string ?? "";
        if (!RouteIds.TryParseAccount(rawAccountId, out var accountId))
        {
            return new(ApiResults.Error(GatewayErrors.BadAccountId(rawAccountId)));
        }

        var resolving = resolver.ResolveAsync(http.Request);
        return resolving.IsCompletedSuccessfully
            ? Admit(resolving.Result, accountId, context, next)
            : AdmitAsync(resolving, accountId, context, next);
    }

    private async ValueTask<object?> AdmitAsync(ValueTask<Resolution> resolving, Guid accountId, EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        await Admit(await resolving, accountId, context, next);

    private ValueTask<object?> Admit(Resolution resolution, Guid accountId, EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var (principal, failure) = resolution;
        if (failure is not null)
        {
            return new(ApiResults.Error(failure));
        }

        var http = context.HttpContext;
        var caller = CallerFor(principal!, accountId);
        // What a principal foreign to the account is refused goes to the operator's trail, never to the account's.
        var scope = AuditScope.ActionOf(http) is { } action
            ? AuditScope.Open(
                http, accountId, caller ?? principal!.AuditCaller(), action, clock.GetUtcNow().UtcDateTime, foreign: !principal!.BelongsTo(accountId))
            : null;

        var refusal = caller is null ? Refusal(principal!)
            : !HttpMethods.IsGet(http.Request.Method) && !caller.CanWrite ? Errors.ReadOnly()
            : null;
        if (refusal is not null)
        {
            return new(ApiResults.Unauthorized(refusal));
        }

        http.Features.Set(new AccountCall(accountId, caller!));
        var checking = CheckAccountAsync(accountId, caller!, http);
        if (!checking.IsCompletedSuccessfully)
        {
            return AfterAccountCheckAsync(checking, scope, context, next);
        }

        return checking.Result is { } missing ? new(ApiResults.Error(missing)) : Handle(scope, context, next);
    }

    private static async ValueTask<object?> AfterAccountCheckAsync(
        ValueTask<StoreError?> checking, AuditScope? scope, EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        await checking is { } missing ? ApiResults.Error(missing) : await Handle(scope, context, next);

    /// <summary>Plain reads go on as they came, with the principal's shared caller; audited routes inside their scope.</summary>
    private static ValueTask<object?> Handle(AuditScope? scope, EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        scope is null ? next(context) : scope.RunAsync(context, next);
}

/// <summary><c>/client/v4/accounts/{account_id}/secrets_store</c>: account tokens and keys of that account.</summary>
public sealed class AccountRoutesFilter(PrincipalResolver resolver, TimeProvider clock) : RouteAccessFilter(resolver, clock, "account_id")
{
    protected override Caller? CallerFor(Principal principal, Guid accountId) => principal.AsCallerOn(accountId);

    protected override StoreError Refusal(Principal principal) => principal switch
    {
        OperatorPrincipal => GatewayErrors.AdminTokenOutsideAdmin(),
        ServicePrincipal => GatewayErrors.ServiceTokenOutsideSystemRoutes(),
        AccountKeyPrincipal => GatewayErrors.NotThisAccount("key"),
        _ => GatewayErrors.NotThisAccount("token"),
    };
}

/// <summary>
/// <c>/client/v4/system/accounts/{account_tag}</c>: services, in the accounts they are granted. An account a service is
/// not granted answers 404 <c>account_not_found</c>, exactly as an account that does not exist, so a service learns
/// nothing of accounts that are not its own; a platform-wide service (<c>*</c>) acts for every account, so it may learn
/// which exist.
/// </summary>
public sealed class SystemRoutesFilter(PrincipalResolver resolver, TimeProvider clock, AccountRepository accounts, IOptions<ApiOptions> options)
    : RouteAccessFilter(resolver, clock, "account_tag")
{
    /// <remarks>
    /// The grant is checked first, from the (cached) principal and without a look-up, so an account the service is not
    /// granted is answered alike whether or not it exists. Reads may then take an answer seen within the credential
    /// cache's lifetime; writes always ask the database, so once an account is deleted nothing is made in it. A delete
    /// forgets the account on the node that made it at once.
    /// </remarks>
    protected override async ValueTask<StoreError?> CheckAccountAsync(Guid accountId, Caller caller, HttpContext http)
    {
        if (!caller.ActsIn(accountId))
        {
            return Errors.AccountNotFound();
        }

        var remembered = HttpMethods.IsGet(http.Request.Method) ? options.Value.CredentialCacheDuration : TimeSpan.Zero;
        return await accounts.ExistsAsync(accountId, remembered, http.RequestAborted) ? null : Errors.AccountNotFound();
    }

    protected override Caller? CallerFor(Principal principal, Guid accountId) => principal.AsServiceCaller(accountId);

    protected override StoreError Refusal(Principal principal) => principal switch
    {
        OperatorPrincipal => GatewayErrors.AdminTokenOnSystemRoutes(),
        AccountKeyPrincipal => GatewayErrors.SystemRoutesNeedService("key"),
        _ => GatewayErrors.SystemRoutesNeedService("token"),
    };
}
