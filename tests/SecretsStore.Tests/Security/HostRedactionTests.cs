using SecretsStore.Silo.Hosting;
using SecretsStore.Silo.Hosting.Development;

namespace SecretsStore.Tests.Security;

/// <summary>
/// Review finding 17, for the host's own types (the unit tests cannot reference the host): what holds a token or a
/// master key prints no token or key.
/// </summary>
public sealed class HostRedactionTests
{
    private const string Canary = "canary-host-5d2e91";

    [Fact]
    public void DevelopmentCredentialsPrintNoToken()
    {
        var printed = new DevelopmentCredentials(Canary + "-admin", "0123456789abcdef0123456789abcdef", Canary + "-account").ToString();

        Assert.DoesNotContain(Canary, printed, StringComparison.Ordinal);
        Assert.Contains("0123456789abcdef0123456789abcdef", printed, StringComparison.Ordinal);
    }

    [Fact]
    public void HostOptionsPrintNoTokenOrMasterKey()
    {
        var options = new SecretsStoreHostOptions { AdminToken = Canary, MasterKey = Canary, MasterKeys = [Canary] };

        Assert.DoesNotContain(Canary, options.ToString(), StringComparison.Ordinal);
    }
}
