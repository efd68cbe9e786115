using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using SecretsStore.Silo.Hosting;

namespace SecretsStore.Tests.Hosting;

/// <summary>What a role setting refuses before anything starts (the roles at work: Faults/StandaloneGatewayTests).</summary>
public sealed class HostRoleTests
{
    [Fact]
    public async Task AGatewayWithoutAConnectionStringRefusesToStartRatherThanStartAPostgresOfItsOwn()
    {
        var data = Path.Combine(Path.GetTempPath(), $"secretsstore-role-{Guid.NewGuid():N}");
        var refused = await Assert.ThrowsAsync<StartRefusedException>(() =>
            SecretsStoreApp.CreateAsync(["--SecretsStore:Role=gateway", $"--SECRETSSTORE_DATA={data}"]));

        Assert.Contains("ConnectionStrings:Postgres", refused.Message);
        Assert.False(Directory.Exists(data));
    }

    [Theory]
    [InlineData(null, HostRole.Combined)]
    [InlineData("combined", HostRole.Combined)]
    [InlineData("Silo", HostRole.Silo)]
    [InlineData("gateway", HostRole.Gateway)]
    public void TheRoleIsReadFromSecretsStoreRoleAndDefaultsToCombined(string? setting, HostRole expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new(HostRoles.Key, setting)]).Build();
        Assert.Equal(expected, SecretsStoreHostOptions.Read(configuration).ReadRole());
    }

    [Fact]
    public void AnUnknownRoleIsRefusedNamingTheOnesThereAre()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new(HostRoles.Key, "client")]).Build();
        var refused = Assert.Throws<OptionsValidationException>(() => SecretsStoreHostOptions.Read(configuration));
        Assert.Contains("combined (the default), silo or gateway", refused.Message);
    }
}
