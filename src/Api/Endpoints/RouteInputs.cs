using Microsoft.AspNetCore.Mvc;
using SecretsStore.Api.Audit;

namespace SecretsStore.Api.Endpoints;

// What a route handler is given, bound with [AsParameters]: the ids in its path, and what its endpoint filter admitted.
// Endpoint filters run after the handler's parameters are bound (they may inspect them), so what a filter admits is
// read from the request's features when the handler asks for it, by which time the filter has run. These are structs
// bound in place: no allocation, where a type with BindAsync costs an array and a state machine on every request.

/// <summary>A route under an account (<c>{account_id}</c> or <c>{account_tag}</c>).</summary>
public readonly record struct AccountRoute(HttpContext Http)
{
    /// <summary>The account and grain caller the route's <see cref="RouteAccessFilter"/> admitted.</summary>
    public AccountCall Call => AccountCall.Of(Http);
}

/// <summary>A route naming a store under an account.</summary>
public readonly record struct StoreRoute(HttpContext Http, [property: FromRoute(Name = "store_id")] string StoreIdAsSent)
{
    public AccountCall Call => AccountCall.Of(Http);

    /// <inheritdoc cref="RouteIds.Resource"/>
    public Guid StoreId => RouteIds.Resource(StoreIdAsSent);
}

/// <summary>A route naming a secret in a store under an account.</summary>
public readonly record struct SecretRoute(
    HttpContext Http,
    [property: FromRoute(Name = "store_id")] string StoreIdAsSent,
    [property: FromRoute(Name = "secret_id")] string SecretIdAsSent)
{
    public AccountCall Call => AccountCall.Of(Http);

    /// <inheritdoc cref="RouteIds.Resource"/>
    public Guid StoreId => RouteIds.Resource(StoreIdAsSent);

    /// <inheritdoc cref="RouteIds.Resource"/>
    public Guid SecretId => RouteIds.Resource(SecretIdAsSent);
}

/// <summary>An operator route under <c>/admin/v1/accounts/{account_id}</c>.</summary>
public readonly record struct AdminAccountRoute(HttpContext Http)
{
    /// <summary>The existing account <see cref="AdminAccountFilter"/> found.</summary>
    public Guid AccountId => AdminAccount.Of(Http).Id;
}

/// <summary>
/// The audit trail of an audited operator route, as <see cref="OperatorFilter"/> opened it: the caller the grains
/// record, and the record a repository writes with its change. The handler's refusals are recorded by the route
/// (<see cref="AuditedRefusals"/>): it only answers them.
/// </summary>
public readonly record struct OperatorAudit(HttpContext Http, TimeProvider Clock)
{
    /// <summary>The operator, as the grains record it (the request's id travels beside it, in Orleans' request context).</summary>
    public Caller Caller => Scope.Caller;

    /// <summary>The record of this change, allowed now; the repository writes it with the change.</summary>
    public AuditRecord Allowed() => Scope.Record(Clock.GetUtcNow().UtcDateTime);

    private AuditScope Scope =>
        AuditScope.Of(Http) ?? throw new InvalidOperationException("Only audited routes behind OperatorFilter have an audit scope.");
}
