using System.Reflection;
using Orleans;
using SecretsStore.Grains.Abstractions;

namespace SecretsStore.UnitTests.Layout;

/// <summary>
/// <c>src/Grains.Abstractions</c> is what the gateway and the silos must agree on across a grain call: the grain
/// interfaces, the records and refusals they carry, and the marks the gateway reads off grain methods. What only one
/// side uses lives with that side: the gateway's own refusals (<c>GatewayErrors</c>), the meter's instruments
/// (<c>GatewayMetrics</c>, the grains' <c>SecretsStoreMetrics</c>) and the audit trail's vocabulary (Persistence).
/// </summary>
public sealed class ContractsAssemblyTests
{
    private static readonly Assembly Contracts = typeof(IStoreGrain).Assembly;

    /// <summary>
    /// The types here that cross no grain call themselves, and why they stay: each is used on both sides of one.
    /// A new entry needs a reason of the same kind; anything else belongs in the project that uses it.
    /// </summary>
    private static readonly Dictionary<Type, string> SharedRules = new()
    {
        [typeof(Errors)] = "the refusals grains answer with, and the input rules the gateway checks the same way first",
        [typeof(ListQuery)] = "the list rules the grains apply to a ListRequest; the gateway and the audit trail page by them too",
        [typeof(Paging)] = "how the grains and the gateway's own lists order and page",
        [typeof(ScopeSet)] = "the scope names the grains check secrets against and the gateway checks services against",
        [typeof(Redacted)] = "the mask SecretValue and every other holder of a secret prints as",
        [typeof(RevocationHub)] = "the subscription timing both sides of IRevocationHubGrain keep",
        [typeof(KeyedWriteErrors)] = "the Idempotency-Key refusals a store grain decides and the gateway answers, records and answers for its own routes",
    };

    [Fact]
    public void EveryTypeCrossesAGrainCallOrIsARuleBothSidesShare()
    {
        var strays = Contracts.GetExportedTypes()
            .Where(t => !t.IsNested && t.Namespace?.StartsWith("SecretsStore", StringComparison.Ordinal) == true)
            .Where(t => !CrossesAGrainCall(t) && !SharedRules.ContainsKey(t))
            .Select(t => t.FullName)
            .ToList();

        Assert.Empty(strays);
    }

    [Fact]
    public void TheContractsNeitherMeterNorKnowHttp()
    {
        var referenced = Contracts.GetReferencedAssemblies().Select(a => a.Name ?? "").ToList();

        Assert.DoesNotContain(referenced, name => name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain(Contracts.GetTypes(), t => t.GetFields(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Any(f => f.FieldType == typeof(System.Diagnostics.Metrics.Meter) || f.FieldType == typeof(System.Diagnostics.ActivitySource)
                || f.FieldType.Namespace == "System.Diagnostics.Metrics"));
    }

    /// <summary>
    /// The grains' catalogue gives only the kinds a grain answers with; the kinds after <see cref="ErrorKind.Forbidden"/>
    /// (credentials, bodies over the limit, routing, throttling, faults) are the gateway's alone.
    /// </summary>
    [Fact]
    public void TheGrainsCatalogueHoldsNoRefusalOnlyTheGatewayGives()
    {
        var gatewayKinds = typeof(Errors).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.ReturnType == typeof(StoreError))
            .Select(m => (m.Name, ((StoreError)m.Invoke(null, m.GetParameters().Select(SampleOf).ToArray())!).Kind))
            .Where(e => e.Kind > ErrorKind.Forbidden)
            .ToList();

        Assert.Empty(gatewayKinds);
    }

    private static bool CrossesAGrainCall(Type type) =>
        typeof(Orleans.Runtime.IAddressable).IsAssignableFrom(type)
        || type.GetCustomAttribute<GenerateSerializerAttribute>() is not null
        || type.IsEnum
        || typeof(Attribute).IsAssignableFrom(type);

    private static object? SampleOf(ParameterInfo parameter) => parameter.ParameterType switch
    {
        var t when t == typeof(string) => "x",
        var t when t == typeof(int) => 1,
        var t when t == typeof(long) => 1L,
        var t when t == typeof(Guid) => Guid.Empty,
        var t when t.IsAssignableFrom(typeof(string[])) => new[] { "x" },
        var t => throw new InvalidOperationException($"No sample for {t} ({parameter.Member.Name}); add one."),
    };
}
