using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SecretsStore.Api;
using SecretsStore.Grains;

namespace SecretsStore.UnitTests.Configuration;

/// <summary>
/// The gateway's and the grains' settings are bound by the registration the host uses and refused by name when wrong,
/// so a mistyped value stops the start instead of the first request that reads it.
/// </summary>
public sealed class OptionsValidationTests
{
    /// <summary>An admin token of the shortest length a start accepts.</summary>
    private const string OperatorToken = "operator-0123456789abcdef0123456";

    [Fact]
    public void UnsetSettingsGiveTheDocumentedDefaults()
    {
        var api = Bind<ApiOptions>([], ApiOptions.Register);
        var grains = Bind<SecretsStoreOptions>([], SecretsStoreOptions.Register);

        Assert.Equal((TimeSpan.FromSeconds(5), 1_200, TimeSpan.FromMinutes(5)), (api.CredentialCacheDuration, api.RateLimit.Requests, api.RateLimit.Window));
        Assert.Equal((TimeSpan.FromSeconds(1), false, null), (api.Shutdown.DrainDelay, api.Logging.Requests, api.AdminToken));
        Assert.Equal((100, TimeSpan.FromMinutes(1), false), (api.RateLimit.FailedAuthentications, api.RateLimit.FailedAuthenticationWindow, api.ForwardedHeaders.Enabled));
        Assert.Equal(TimeSpan.FromMilliseconds(250), api.RateLimit.FailedAuthenticationDelay);
        Assert.Equal((100, 1, 256, 500), (grains.Quota.Secrets, grains.Quota.Stores, grains.Storage.MaxStoresPerCommit, grains.KeyRotation.BatchSize));
    }

    [Fact]
    public void EverySettingIsReadFromItsDocumentedKey()
    {
        var api = Bind<ApiOptions>(
        [
            ("SecretsStore:AdminToken", OperatorToken), ("SecretsStore:CredentialCacheDuration", "00:00:02"),
            ("SecretsStore:Scopes:0", "workers"), ("SecretsStore:RateLimit:Requests", "7"), ("SecretsStore:RateLimit:Window", "00:01:00"),
            ("SecretsStore:Shutdown:DrainDelay", "00:00:03"), ("SecretsStore:Logging:Requests", "true"),
        ], ApiOptions.Register);

        Assert.Equal((OperatorToken, TimeSpan.FromSeconds(2), "workers"), (api.AdminToken, api.CredentialCacheDuration, Assert.Single(api.Scopes!)));
        Assert.Equal((7, TimeSpan.FromMinutes(1)), (api.RateLimit.Requests, api.RateLimit.Window));
        Assert.Equal((TimeSpan.FromSeconds(3), true), (api.Shutdown.DrainDelay, api.Logging.Requests));
    }

    [Theory]
    [InlineData("SecretsStore:RateLimit:Requests", "0", "SecretsStore:RateLimit")]
    [InlineData("SecretsStore:RateLimit:Window", "00:00:00", "SecretsStore:RateLimit")]
    [InlineData("SecretsStore:CredentialCacheDuration", "-00:00:01", "SecretsStore:CredentialCacheDuration")]
    [InlineData("SecretsStore:CredentialCacheDuration", "00:01:01", "SecretsStore:CredentialCacheDuration")]
    [InlineData("SecretsStore:RateLimit:FailedAuthentications", "0", "SecretsStore:RateLimit")]
    [InlineData("SecretsStore:RateLimit:FailedAuthenticationWindow", "00:00:00", "SecretsStore:RateLimit")]
    [InlineData("SecretsStore:RateLimit:FailedAuthenticationDelay", "-00:00:01", "SecretsStore:RateLimit:FailedAuthenticationDelay")]
    [InlineData("SecretsStore:RateLimit:FailedAuthenticationDelay", "00:00:06", "SecretsStore:RateLimit:FailedAuthenticationDelay")]
    [InlineData("SecretsStore:ForwardedHeaders:KnownProxies:0", "balancer", "SecretsStore:ForwardedHeaders")]
    [InlineData("SecretsStore:ForwardedHeaders:KnownNetworks:0", "10.0.0.0/33", "SecretsStore:ForwardedHeaders")]
    [InlineData("SecretsStore:Shutdown:DrainDelay", "-00:00:01", "SecretsStore:Shutdown:DrainDelay")]
    [InlineData("SecretsStore:Scopes:0", "workers,ai_gateway", "SecretsStore:Scopes")]
    [InlineData("SecretsStore:AdminToken", "operator", "SecretsStore:AdminToken")]
    [InlineData("SecretsStore:AdminToken", "0123456789abcdef0123456789abcde", "SecretsStore:AdminToken")]
    public void AGatewaySettingOutOfRangeIsRefusedByName(string key, string value, string named)
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Bind<ApiOptions>([(key, value)], ApiOptions.Register));
        Assert.Contains(named, refused.Message);
    }

    [Theory]
    [InlineData("SecretsStore:Quota:Secrets", "-1", "SecretsStore:Quota")]
    [InlineData("SecretsStore:Quota:ManagedStores", "-1", "SecretsStore:Quota:ManagedStores")]
    [InlineData("SecretsStore:Storage:MaxStoresPerCommit", "0", "SecretsStore:Storage:MaxStoresPerCommit")]
    [InlineData("SecretsStore:KeyRotation:BatchSize", "0", "SecretsStore:KeyRotation")]
    [InlineData("SecretsStore:KeyRotation:PollInterval", "00:00:00", "SecretsStore:KeyRotation")]
    [InlineData("SecretsStore:Scopes:0", "", "SecretsStore:Scopes")]
    public void AGrainSettingOutOfRangeIsRefusedByName(string key, string value, string named)
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Bind<SecretsStoreOptions>([(key, value)], SecretsStoreOptions.Register));
        Assert.Contains(named, refused.Message);
    }

    private static T Bind<T>((string Key, string Value)[] settings, Func<IServiceCollection, IConfiguration, OptionsBuilder<T>> register)
        where T : class
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var services = new ServiceCollection();
        register(services, configuration);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<T>>().Value;
    }
}
