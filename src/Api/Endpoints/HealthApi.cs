using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.OpenApi;
using SecretsStore.Api.Cluster;
using SecretsStore.Api.Readiness;

namespace SecretsStore.Api.Endpoints;

/// <summary>Liveness and readiness for orchestrators, which probe often and are never throttled.</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Json(new Health("ok")))
            .WithName("Healthz").WithSummary("The process is up.").Produces<Health>()
            .AddOpenApiOperationTransformer(NoCredentials)
            .DisableRateLimiting()
            .WithTags("Health");
        app.MapGet("/readyz", Ready)
            .WithName("Readyz").WithSummary("Storage and cluster answer (checked at most once a second), and the process is not stopping.").Produces<Health>().Produces<Health>(StatusCodes.Status503ServiceUnavailable)
            .AddOpenApiOperationTransformer(NoCredentials)
            .DisableRateLimiting()
            .WithTags("Health");
        return app;
    }

    public static async Task<IResult> Ready(ReadinessCache readiness, DrainBeforeStop drain, CancellationToken ct)
    {
        if (drain.Stopping)
        {
            // Asked to stop: not ready, whatever storage and cluster say, so balancers move new requests elsewhere.
            return Results.Json(new Health("stopping"), statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        // At most one check a second per process: many probes cost one connection and one grain call.
        var report = await readiness.GetAsync().WaitAsync(ct);
        var ready = report.Status == HealthStatus.Healthy;
        return Results.Json(
            new Health(ready ? "ready" : "unavailable", Answer(report, ReadinessChecks.Storage), Answer(report, ReadinessChecks.Cluster)),
            statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private static string? Answer(HealthReport report, string check) =>
        report.Entries.TryGetValue(check, out var entry) ? entry.Status == HealthStatus.Healthy ? "ok" : "unavailable" : null;

    /// <summary>Probes need no credentials, unlike every other route.</summary>
    private static Task NoCredentials(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        operation.Security = [];
        return Task.CompletedTask;
    }
}
