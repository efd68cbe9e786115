using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SecretsStore.Api.Readiness;

/// <summary>
/// The readiness checks' last report, refreshed at most once per <see cref="Freshness"/> in this process however often
/// <c>/readyz</c> is asked: the probe is unauthenticated and unthrottled, and each check takes a connection from the
/// pool that writes and credential look-ups share, and calls the management grain. Callers that arrive while a
/// check runs wait for that one rather than starting another.
/// </summary>
public sealed class ReadinessCache(HealthCheckService health, TimeProvider clock)
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private Task<HealthReport>? _report;
    private long _startedAt;

    public Task<HealthReport> GetAsync()
    {
        lock (_gate)
        {
            if (_report is null || (_report.IsCompleted && clock.GetElapsedTime(_startedAt) >= Freshness))
            {
                _startedAt = clock.GetTimestamp();
                // Not the asking request's token: the check is shared, and each check has its own timeout.
                _report = health.CheckHealthAsync(check => check.Tags.Contains(ReadinessChecks.Readiness), CancellationToken.None);
            }

            return _report;
        }
    }
}
