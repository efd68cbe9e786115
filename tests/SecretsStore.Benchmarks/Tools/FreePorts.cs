using System.Net;
using System.Net.Sockets;

namespace SecretsStore.Benchmarks.Tools;

/// <summary>Loopback ports nothing listens on right now, for the silos and servers a scenario starts.</summary>
public static class FreePorts
{
    public static int Next()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
