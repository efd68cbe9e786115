using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SecretsStore.Persistence;

namespace SecretsStore.Api.Readiness;

/// <summary>
/// What <c>/readyz</c> asks, one <see cref="IHealthCheck"/> each, registered under the names its answer reports
/// (<c>storage</c>, <c>cluster</c>). A host that readies on something else registers its own checks with
/// <see cref="Readiness"/>.
/// </summary>
public static class ReadinessChecks
{
    public const string Readiness = "ready";
    public const string Storage = "storage";
    public const string Cluster = "cluster";

    /// <summary>A probe that has not answered by then counts as unavailable.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static IHealthChecksBuilder AddSecretsStoreReadiness(this IServiceCollection services)
    {
        services.TryAddSingleton<DatabaseProbe>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ReadinessCache>();
        return services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>(Storage, tags: [Readiness], timeout: Timeout)
            .AddCheck<ClusterHealthCheck>(Cluster, tags: [Readiness], timeout: Timeout);
    }
}

/// <summary>PostgreSQL answers a query.</summary>
public sealed class StorageHealthCheck(DatabaseProbe database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await database.PingAsync(cancellationToken);
        return HealthCheckResult.Healthy();
    }
}

/// <summary>The cluster has an active silo, as the management grain sees it.</summary>
public sealed class ClusterHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // Grain calls take no token: stop waiting at the check's timeout rather than at the 30 s response timeout.
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(cancellationToken);
        return hosts.Count > 0 ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("no active silo");
    }
}
