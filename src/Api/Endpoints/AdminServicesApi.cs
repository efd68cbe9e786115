using SecretsStore.Api.Audit;
using SecretsStore.Api.OpenApi;

namespace SecretsStore.Api.Endpoints;

/// <summary>
/// Operator routes for service principals and the accounts each may act in. A service is its name: deleting it revokes
/// its token and its grants at once, its stores stay managed by the name, and creating the name again (with a new
/// token) regains them, but only in the accounts the new service is granted.
/// </summary>
public static class AdminServicesApi
{
    private const string AccountParameter =
        "An account id (32 hex digits), or * for every account. An id that names no account is 404 account_not_found.";

    public static RouteGroupBuilder MapAdminServicesApi(this RouteGroupBuilder admin)
    {
        admin.MapPost("/services", CreateService).WithName("AdminCreateService")
            .WithSummary("Creates a service {name, scopes, accounts}; accounts lists the account ids it may act in, or is [\"*\"] for every account. Its token is shown once.")
            .WithDescription("accounts is required. An id that names no account is 404 account_not_found (pointing at it); * with ids is 400.")
            .Audited(AuditActions.ServiceCreate)
            .AcceptsJson<ServiceCreateRequest>()
            .ProducesErrors(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        admin.MapGet("/services", ListServices).WithName("AdminListServices")
            .WithSummary("Lists services with the accounts each may act in (* for every account), without their tokens.");
        admin.MapPost("/services/{name}/token", RotateToken).WithName("AdminRotateServiceToken")
            .WithSummary("Gives a service a new token; the old one stops working.")
            .Audited(AuditActions.ServiceTokenRotate)
            .ProducesErrors(StatusCodes.Status404NotFound);
        admin.MapPut("/services/{name}/accounts/{account_id}", GrantAccount).WithName("AdminGrantServiceAccount")
            .WithSummary("Lets a service act in an account (or, with *, in every account); granting what it has changes nothing.")
            .WithDescription(AccountParameter)
            .Audited(AuditActions.ServiceGrant)
            .ProducesErrors(StatusCodes.Status404NotFound);
        admin.MapDelete("/services/{name}/accounts/{account_id}", RevokeAccount).WithName("AdminRevokeServiceAccount")
            .WithSummary("Takes back a service's grant of an account (or, with *, of every account, keeping those granted one by one); it stops at once.")
            .WithDescription(AccountParameter + " An account the service is not granted is 404 grant_not_found.")
            .Audited(AuditActions.ServiceRevoke)
            .ProducesErrors(StatusCodes.Status404NotFound);
        admin.MapDelete("/services/{name}", DeleteService).WithName("AdminDeleteService")
            .WithSummary("Deletes a service: its token and grants stop working; its stores stay managed by its name.")
            .Audited(AuditActions.ServiceDelete)
            .ProducesErrors(StatusCodes.Status404NotFound);
        return admin;
    }

    public static Task<Answer<CreatedService>> CreateService(
        [AsParameters] OperatorAudit audit, HttpRequest request, ServiceRepository services, ScopeSet scopes, CancellationToken ct) =>
        BodyHandling.WithBodyAsync(request, body => ServiceCreateRequest.Parse(body, scopes), async service =>
        {
            var created = await services.CreateAsync(service.Name, service.Scopes, service.Grants, service.Listed, audit.Allowed(), ct);
            return created switch
            {
                { Token: { } token } => ApiResults.Ok(new CreatedService(service.Name, token)),
                { MissingAccount: { } at } => Errors.AccountNotFound() with { Pointer = $"/accounts/{at}" },
                _ => GatewayErrors.ServiceNameAlreadyExists(service.Name, "/name"),
            };
        });

    public static async Task<Answer<AdminServiceDto[]>> ListServices(ServiceRepository services, CancellationToken ct) =>
        ApiResults.Ok((await services.ListAsync(ct)).Select(AdminServiceDto.From).ToArray());

    public static async Task<Answer<CreatedService>> RotateToken(
        [AsParameters] OperatorAudit audit, ServiceRepository services, PrincipalResolver resolver, string name, CancellationToken ct)
    {
        var token = await services.RotateTokenAsync(name, audit.Allowed(), ct);
        if (token is null)
        {
            return GatewayErrors.ServiceNotFound();
        }

        resolver.Forget();
        return ApiResults.Ok(new CreatedService(name, token));
    }

    public static Task<Answer<object>> GrantAccount(
        [AsParameters] OperatorAudit audit, ServiceRepository services, PrincipalResolver resolver, string name,
        [Microsoft.AspNetCore.Mvc.FromRoute(Name = "account_id")] string accountId, CancellationToken ct) =>
        ChangeGrantAsync(audit, resolver, accountId, account => services.GrantAsync(name, account, audit.Allowed(), ct));

    public static Task<Answer<object>> RevokeAccount(
        [AsParameters] OperatorAudit audit, ServiceRepository services, PrincipalResolver resolver, string name,
        [Microsoft.AspNetCore.Mvc.FromRoute(Name = "account_id")] string accountId, CancellationToken ct) =>
        ChangeGrantAsync(audit, resolver, accountId, account => services.RevokeAsync(name, account, audit.Allowed(), ct));

    public static async Task<Answer<object>> DeleteService(
        [AsParameters] OperatorAudit audit, ServiceRepository services, PrincipalResolver resolver, string name, CancellationToken ct)
    {
        if (!await services.DeleteAsync(name, audit.Allowed(), ct))
        {
            return GatewayErrors.ServiceNotFound();
        }

        resolver.Forget();
        return ApiResults.Done();
    }

    /// <summary>
    /// A grant or revoke of <c>*</c> or one account. The principal cache is dropped after it, so on this node a granted
    /// account works and a revoked one stops at once, as after a service's deletion.
    /// </summary>
    private static async Task<Answer<object>> ChangeGrantAsync(
        OperatorAudit audit, PrincipalResolver resolver, string accountIdAsSent, Func<Guid?, Task<GrantChange>> change)
    {
        Guid? account = null;
        if (accountIdAsSent != AccountGrants.EveryAccount)
        {
            if (!RouteIds.TryParseAccount(accountIdAsSent, out var id))
            {
                return Errors.AccountNotFound();
            }

            account = id;
        }

        var changed = await change(account);
        if (changed != GrantChange.Done)
        {
            return changed switch
            {
                GrantChange.ServiceMissing => GatewayErrors.ServiceNotFound(),
                GrantChange.AccountMissing => Errors.AccountNotFound(),
                _ => GatewayErrors.GrantNotFound(),
            };
        }

        resolver.Forget();
        return ApiResults.Done();
    }
}
