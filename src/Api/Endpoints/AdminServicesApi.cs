using System.Text.Json;
using System.Text.RegularExpressions;
using SecretsStore.Api.Audit;
using SecretsStore.Api.OpenApi;
using SecretsStore.Grains.Abstractions.Audit;

namespace SecretsStore.Api.Endpoints;

/// <summary>
/// Operator routes for service principals. A service is its name: deleting it revokes its token at once, its
/// stores stay managed by the name, and creating the name again (with a new token) regains them.
/// </summary>
public static partial class AdminServicesApi
{
    public static RouteGroupBuilder MapAdminServicesApi(this RouteGroupBuilder admin)
    {
        admin.MapPost("/services", CreateService).WithName("AdminCreateService")
            .WithSummary("Creates a service {name, scopes}; its token is shown once.")
            .Audited(AuditActions.ServiceCreate)
            .AcceptsJson<ServiceCreateRequest>()
            .Produces<Envelope<CreatedService>>()
            .ProducesAccessErrors()
            .ProducesErrors(StatusCodes.Status409Conflict);
        admin.MapGet("/services", ListServices).WithName("AdminListServices")
            .WithSummary("Lists services, without their tokens.")
            .Produces<Envelope<AdminServiceDto[]>>()
            .ProducesAccessErrors();
        admin.MapPost("/services/{name}/token", RotateToken).WithName("AdminRotateServiceToken")
            .WithSummary("Gives a service a new token; the old one stops working.")
            .Audited(AuditActions.ServiceTokenRotate)
            .Produces<Envelope<CreatedService>>()
            .ProducesAccessErrors()
            .ProducesErrors(StatusCodes.Status404NotFound);
        admin.MapDelete("/services/{name}", DeleteService).WithName("AdminDeleteService")
            .WithSummary("Deletes a service: its token stops working; its stores stay managed by its name.")
            .Audited(AuditActions.ServiceDelete)
            .Produces<Envelope<object>>()
            .ProducesAccessErrors()
            .ProducesErrors(StatusCodes.Status404NotFound);
        return admin;
    }

    public static Task<IResult> CreateService(HttpRequest request, ServiceRepository services, ScopeSet scopes, TimeProvider clock) =>
        BodyHandling.WithBodyAsync(request, body => ServiceCreateRequest.Parse(body, scopes), async service =>
        {
            var http = request.HttpContext;
            var audit = AuditScope.Of(http)!.Allowed(clock.GetUtcNow().UtcDateTime);
            var token = await services.CreateAsync(service.Name, service.Scopes, audit, http.RequestAborted);
            return token is null
                ? await GatewayAudit.RefuseAsync(http, ApiResults.Error(409, 1003, $"service_name_already_exists: {service.Name}", "/name"))
                : ApiResults.Ok(new CreatedService(service.Name, token));
        });

    public static async Task<IResult> ListServices(ServiceRepository services, CancellationToken ct) =>
        ApiResults.Ok((await services.ListAsync(ct)).Select(AdminServiceDto.From).ToList());

    public static async Task<IResult> RotateToken(HttpContext http, ServiceRepository services, PrincipalResolver resolver, TimeProvider clock, string name)
    {
        var token = await services.RotateTokenAsync(name, AuditScope.Of(http)!.Allowed(clock.GetUtcNow().UtcDateTime), http.RequestAborted);
        if (token is null)
        {
            return await GatewayAudit.RefuseAsync(http, ServiceNotFound());
        }

        resolver.Forget();
        return ApiResults.Ok(new CreatedService(name, token));
    }

    public static async Task<IResult> DeleteService(HttpContext http, ServiceRepository services, PrincipalResolver resolver, TimeProvider clock, string name)
    {
        if (!await services.DeleteAsync(name, AuditScope.Of(http)!.Allowed(clock.GetUtcNow().UtcDateTime), http.RequestAborted))
        {
            return await GatewayAudit.RefuseAsync(http, ServiceNotFound());
        }

        resolver.Forget();
        return ApiResults.Ok<object?>(null);
    }

    private static IResult ServiceNotFound() => ApiResults.Error(404, 1001, "service_not_found");
}
