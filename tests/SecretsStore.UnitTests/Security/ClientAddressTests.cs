using System.Net;
using Microsoft.AspNetCore.Http;
using SecretsStore.Api.Access;

namespace SecretsStore.UnitTests.Security;

/// <summary>The address a client's limits are kept under.</summary>
public sealed class ClientAddressTests
{
    [Theory]
    [InlineData("192.0.2.7", "192.0.2.7")]
    [InlineData("::ffff:192.0.2.7", "192.0.2.7")]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64")]
    public void AClientCountsAsItsIPv4AddressOrItsIPv6Slash64(string remote, string expected)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        Assert.Equal(expected, ClientAddress.Of(context));
    }
}
