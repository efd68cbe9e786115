using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SecretsStore.Silo.Hosting;

/// <summary>
/// Ports nothing listens on, found by listening on them for a moment. A development run takes the ports it is not
/// given this way, and <c>scripts/cluster.sh</c> asks for its processes' ports with the <c>free-ports</c> command.
/// </summary>
public static class PortPicker
{
    public const string Command = "free-ports";

    /// <summary>Null when the port can be listened on at that address, else why not (in use, not allowed...).</summary>
    public static SocketError? Problem(IPAddress address, int port)
    {
        try
        {
            var listener = new TcpListener(address, port);
            listener.Start();
            listener.Stop();
            return null;
        }
        catch (SocketException refused)
        {
            return refused.SocketErrorCode;
        }
    }

    /// <summary>
    /// For each wanted port (0: any), that port when it is free, else one the system hands out; all different. They are
    /// held together while they are chosen, so that no two answers are the same port.
    /// </summary>
    public static int[] Pick(IPAddress address, IReadOnlyList<int> wanted)
    {
        var held = new List<TcpListener>();
        try
        {
            var picked = new int[wanted.Count];
            // The wanted ones first, so that a port handed out for another slot can never be one that is wanted.
            for (var i = 0; i < wanted.Count; i++)
            {
                if (wanted[i] > 0 && TryHold(address, wanted[i], held) is { } port)
                {
                    picked[i] = port;
                }
            }

            for (var i = 0; i < wanted.Count; i++)
            {
                if (picked[i] == 0)
                {
                    picked[i] = TryHold(address, 0, held) ?? throw new StartRefusedException($"No free TCP port could be found on {address}.");
                }
            }

            return picked;
        }
        finally
        {
            held.ForEach(listener => listener.Stop());
        }
    }

    /// <summary>
    /// <c>free-ports PORT[/PORT...]...</c>: prints, for each argument, the first of its loopback ports that is free, else a
    /// free one (0: any free one), all different, on one line. For scripts that start several processes on one machine.
    /// </summary>
    public static int RunCommand(IReadOnlyList<string> arguments, TextWriter output, TextWriter error)
    {
        var wanted = new List<int>();
        foreach (var argument in arguments)
        {
            var alternatives = new List<int>();
            foreach (var candidate in argument.Split('/'))
            {
                if (!int.TryParse(candidate, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > IPEndPoint.MaxPort)
                {
                    error.WriteLine($"{Command}: '{argument}' is not a port number, or ports joined by / (0 for any free port).");
                    return 64;
                }

                alternatives.Add(port);
            }

            wanted.Add(alternatives.FirstOrDefault(port => port > 0 && Problem(IPAddress.Loopback, port) is null));
        }

        output.WriteLine(string.Join(' ', Pick(IPAddress.Loopback, wanted)));
        return 0;
    }

    private static int? TryHold(IPAddress address, int port, List<TcpListener> held)
    {
        var listener = new TcpListener(address, port);
        try
        {
            listener.Start();
        }
        catch (SocketException)
        {
            return null;
        }

        held.Add(listener);
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
