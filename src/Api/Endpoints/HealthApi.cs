using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Npgsql;
using SecretsStore.Api.Cluster;

namespace SecretsStore.Api.Endpoints;

/// <summary>Liveness and readiness for orchestrators.</summary>
public static class HealthApi
{
    public sealed record Health(string Status, string? Storage = null, string? Cluster = null);

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Json(new Health("ok")))
            .WithName("Healthz").WithSummary("The process is up.").Produces<Health>()
            .AddOpenApiOperationTransformer(NoCredentials)
            .WithTags("Health");
        app.MapGet("/readyz", Ready)
            .WithName("Readyz").WithSummary("Storage and cluster answer, and the process is not stopping.").Produces<Health>().Produces<Health>(StatusCodes.Status503ServiceUnavailable)
            .AddOpenApiOperationTransformer(NoCredentials)
            .WithTags("Health");
        return app;
    }

    public static async Task<IResult> Ready(NpgsqlDataSource db, IGrainFactory grains, DrainBeforeStop drain, CancellationToken ct)
    {
        if (drain.Stopping)
        {
            // Asked to stop: not ready, whatever storage and cluster say, so balancers move new requests elsewhere.
            return Results.Json(new Health("stopping"), statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var storage = await Probe(async () =>
        {
            await using var cmd = db.CreateCommand("select 1");
            await cmd.ExecuteScalarAsync(ct);
        });
        var cluster = await Probe(async () =>
        {
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            if (hosts.Count == 0)
            {
                throw new InvalidOperationException("no active silo");
            }
        });
        var ready = storage && cluster;
        return Results.Json(
            new Health(ready ? "ready" : "unavailable", storage ? "ok" : "unavailable", cluster ? "ok" : "unavailable"),
            statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>Probes need no credentials, unlike every other route.</summary>
    private static Task NoCredentials(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        operation.Security = [];
        return Task.CompletedTask;
    }

    private static async Task<bool> Probe(Func<Task> check)
    {
        try
        {
            await check().WaitAsync(TimeSpan.FromSeconds(5));
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }
}
