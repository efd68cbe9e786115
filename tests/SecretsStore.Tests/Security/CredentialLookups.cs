using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using SecretsStore.Api.Observability;
using SecretsStore.Silo.Hosting;

namespace SecretsStore.Tests.Security;

/// <summary>
/// Counts one host's database look-ups of credentials as its own metric reports them
/// (<c>secretsstore.credentials.lookups</c>), listening only to the meters that host's meter factory made: other
/// hosts in this test process record into meters of the same name.
/// </summary>
public sealed class CredentialLookups : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _found;
    private long _unknown;

    public CredentialLookups(SecretsStoreApp app)
    {
        var factory = app.Web.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == GatewayMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory)
                && instrument.Name == "secretsstore.credentials.lookups")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "outcome", Value: "found" })
                {
                    Interlocked.Add(ref _found, value);
                }
                else if (tag is { Key: "outcome", Value: "unknown" })
                {
                    Interlocked.Add(ref _unknown, value);
                }
            }
        });
        _listener.Start();
    }

    /// <summary>Look-ups that found no credential.</summary>
    public long Unknown => Interlocked.Read(ref _unknown);

    public long Found => Interlocked.Read(ref _found);

    public void Dispose() => _listener.Dispose();
}
