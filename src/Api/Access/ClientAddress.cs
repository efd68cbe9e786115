using System.Net;
using System.Net.Sockets;

namespace SecretsStore.Api.Access;

/// <summary>
/// The client address that limits are kept under: the connection's peer, or behind a trusted balancer the address
/// it forwarded (<see cref="ForwardedClients"/>). An IPv6 client counts as its /64, the block one subscriber usually
/// holds whole, so that rotating through its addresses does not multiply its budgets.
/// </summary>
public static class ClientAddress
{
    public static string Of(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "-"; // not a socket (a test server, a pipe): one shared bucket
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}
