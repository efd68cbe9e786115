using System.Net;
using System.Net.Sockets;

namespace SecretsStore.Tests.Infrastructure;

public static class FreePort
{
    /// <summary>The kernel's ephemeral range, which outgoing connections take their local ports from.</summary>
    private static readonly int EphemeralLow = ReadEphemeralLow();

    /// <summary>
    /// A loopback port nothing listens on right now, below the ephemeral range: a process restarted on the same port
    /// (a rolling restart) must find it free again, and an ephemeral port can be taken in between by any outgoing
    /// connection of the run (each answer of a draining gateway closes its connection, so clients open hundreds).
    /// </summary>
    public static int Next()
    {
        for (var tries = 0; tries < 100; tries++)
        {
            var port = Random.Shared.Next(12_000, EphemeralLow);
            if (port is >= 29_900 and < 30_100)
            {
                continue; // Orleans' default gateway port and its neighbours, which development runs and their tests use
            }

            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }

        using var any = new TcpListener(IPAddress.Loopback, 0);
        any.Start();
        return ((IPEndPoint)any.LocalEndpoint).Port;
    }

    private static int ReadEphemeralLow()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(range) && int.TryParse(File.ReadAllText(range).Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], out var low) && low > 12_000
            ? low
            : 32_768;
    }
}
