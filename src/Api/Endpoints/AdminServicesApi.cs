using SecretsStore.Api.Audit;
using SecretsStore.Api.OpenApi;
using SecretsStore.Grains.Abstractions.Audit;

namespace SecretsStore.Api.Endpoints;

/// <summary>
/// Operator routes for service principals. A service is its name: deleting it revokes its token at once, its
/// stores stay managed by the name, and creating the name again (with a new token) regains them.
/// </summary>
public static class AdminServicesApi
{
    public static RouteGroupBuilder MapAdminServicesApi(this RouteGroupBuilder admin)
    {
        admin.MapPost("/services", CreateService).WithName("AdminCreateService")
            .WithSummary("Creates a service {name, scopes}; its token is shown once.")
            .Audited(AuditActions.ServiceCreate)
            .AcceptsJson<ServiceCreateRequest>()
            .ProducesErrors(StatusCodes.Status409Conflict);
        admin.MapGet("/services", ListServices).WithName("AdminListServices")
            .WithSummary("Lists services, without their tokens.");
        admin.MapPost("/services/{name}/token", RotateToken).WithName("AdminRotateServiceToken")
            .WithSummary("Gives a service a new token; the old one stops working.")
            .Audited(AuditActions.ServiceTokenRotate)
            .ProducesErrors(StatusCodes.Status404NotFound);
        admin.MapDelete("/services/{name}", DeleteService).WithName("AdminDeleteService")
            .WithSummary("Deletes a service: its token stops working; its stores stay managed by its name.")
            .Audited(AuditActions.ServiceDelete)
            .ProducesErrors(StatusCodes.Status404NotFound);
        return admin;
    }

    public static Task<Answer<CreatedService>> CreateService(
        [AsParameters] OperatorAudit audit, HttpRequest request, ServiceRepository services, ScopeSet scopes, CancellationToken ct) =>
        BodyHandling.WithBodyAsync(request, body => ServiceCreateRequest.Parse(body, scopes), async service =>
        {
            var token = await services.CreateAsync(service.Name, service.Scopes, audit.Allowed(), ct);
            return token is null
                ? await audit.RefuseAsync<Answer<CreatedService>>(Errors.ServiceNameAlreadyExists(service.Name, "/name"))
                : ApiResults.Ok(new CreatedService(service.Name, token));
        });

    public static async Task<Answer<AdminServiceDto[]>> ListServices(ServiceRepository services, CancellationToken ct) =>
        ApiResults.Ok((await services.ListAsync(ct)).Select(AdminServiceDto.From).ToArray());

    public static async Task<Answer<CreatedService>> RotateToken(
        [AsParameters] OperatorAudit audit, ServiceRepository services, PrincipalResolver resolver, string name, CancellationToken ct)
    {
        var token = await services.RotateTokenAsync(name, audit.Allowed(), ct);
        if (token is null)
        {
            return await audit.RefuseAsync<Answer<CreatedService>>(Errors.ServiceNotFound());
        }

        resolver.Forget();
        return ApiResults.Ok(new CreatedService(name, token));
    }

    public static async Task<Answer<object>> DeleteService(
        [AsParameters] OperatorAudit audit, ServiceRepository services, PrincipalResolver resolver, string name, CancellationToken ct)
    {
        if (!await services.DeleteAsync(name, audit.Allowed(), ct))
        {
            return await audit.RefuseAsync<Answer<object>>(Errors.ServiceNotFound());
        }

        resolver.Forget();
        return ApiResults.Done();
    }
}
