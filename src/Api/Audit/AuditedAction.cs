
namespace SecretsStore.Api.Audit;

/// <summary>Endpoint metadata: this route changes something (or reads a value), so every answer it gives is audited.</summary>
public sealed record AuditedAction(string Action);

public static class AuditedRoutes
{
    public static RouteHandlerBuilder Audited(this RouteHandlerBuilder route, string action) => route.WithMetadata(new AuditedAction(action));
}
