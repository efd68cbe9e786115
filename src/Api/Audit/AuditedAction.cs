
namespace SecretsStore.Api.Audit;

/// <summary>Endpoint metadata: this route changes something (or reads a value), so every answer it gives is audited.</summary>
public sealed record AuditedAction(string Action);

public static class AuditedRoutes
{
    /// <summary>
    /// Marks the route audited and puts <see cref="AuditedRefusals"/> around its whole pipeline. A route's own
    /// conventions run after its groups' have added their filters (the access filters), and the first filter in the
    /// list runs first: inserting it there makes it see the access filters' refusals too.
    /// </summary>
    public static RouteHandlerBuilder Audited(this RouteHandlerBuilder route, string action)
    {
        route.WithMetadata(new AuditedAction(action));
        route.Add(endpoint => endpoint.FilterFactories.Insert(0, AuditedRefusals.Around));
        return route;
    }
}
