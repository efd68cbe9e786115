using System.Reflection;

namespace SecretsStore.UnitTests.Layout;

/// <summary>
/// Every query lives in src/Persistence beside its table's DDL (docs/persistence.md). The grains and the gateway
/// reach PostgreSQL only through it: their compiled code names no Npgsql type, which the project references alone
/// would not stop (Npgsql arrives with Persistence).
/// </summary>
public sealed class ProjectReferencesTests
{
    [Theory]
    [InlineData(typeof(SecretsStore.Grains.StoreGrain))]
    [InlineData(typeof(SecretsStore.Api.ApiComposition))]
    public void OnlyPersistenceTalksToPostgres(Type fromAssembly)
    {
        var referenced = fromAssembly.Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.DoesNotContain("Npgsql", referenced);
        Assert.Contains("SecretsStore.Persistence", referenced);
    }

    [Fact]
    public void TheGrainsUseNeitherAspNetCoreNorOrleansAdoNetProviders()
    {
        var referenced = typeof(SecretsStore.Grains.StoreGrain).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? "").ToList();

        Assert.DoesNotContain(referenced, name => name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain(referenced, name => name.StartsWith("Orleans.Persistence.AdoNet", StringComparison.Ordinal)
            || name.StartsWith("Orleans.Clustering.AdoNet", StringComparison.Ordinal));
    }
}
