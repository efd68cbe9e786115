using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace SecretsStore.Silo.Hosting;

/// <summary>
/// Checks, before anything starts, that the ports this process is about to listen on are free: one that another process
/// holds refuses the start in one line naming the setting, instead of failing halfway with the framework's stack trace.
/// </summary>
public static class ListeningPorts
{
    /// <param name="urls">The HTTP URLs the process will listen on (<c>;</c> between several), the metrics port aside.</param>
    /// <exception cref="StartRefusedException">A port is held by another process, or may not be listened on.</exception>
    public static void RefuseBusy(SecretsStoreHostOptions options, HostRole role, string urls)
    {
        var addresses = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(BindingAddress.Parse).ToList();
        foreach (var address in addresses.Where(a => a.Port > 0))
        {
            if (Problem(HostAddress(address.Host), address.Port) is { } problem)
            {
                throw new StartRefusedException(
                    $"{address.Scheme}://{address.Host}:{address.Port} {problem}: stop what holds it, or set ASPNETCORE_URLS to a free address (e.g. {address.Scheme}://{address.Host}:{PortPicker.Pick(IPAddress.Loopback, [0])[0]}).");
            }
        }

        if (Telemetry.MetricsPort(options) is { } metrics && addresses.Count > 0 && Problem(HostAddress(addresses[0].Host), metrics) is { } metricsProblem)
        {
            throw new StartRefusedException($"{Telemetry.MetricsPortKey} {metrics} {metricsProblem}: set SecretsStore__Metrics__Port to a free port.");
        }

        if (role == HostRole.Gateway)
        {
            return;
        }

        var orleans = options.Orleans;
        var listening = orleans.ListeningAddress;
        if (Problem(listening, orleans.SiloPortInForce) is { } siloProblem)
        {
            throw new StartRefusedException(
                $"Orleans:SiloPort {orleans.SiloPortInForce} on {listening} {siloProblem}: set Orleans__SiloPort to a free port (a development run picks one itself when it is unset).");
        }

        var gateway = orleans.GatewayPortFor(role);
        if (gateway > 0 && Problem(listening, gateway) is { } gatewayProblem)
        {
            throw new StartRefusedException(
                $"Orleans:GatewayPort {gateway} on {listening} {gatewayProblem}: set Orleans__GatewayPort to a free port (a development run picks one itself when it is unset).");
        }
    }

    /// <summary>What the framework does with a URL's host: an address as written, loopback for localhost, every address for a name.</summary>
    private static IPAddress HostAddress(string host)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
        {
            return address;
        }

        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback : IPAddress.Any;
    }

    /// <summary>Only what a person can put right; anything else is left for the server itself to report.</summary>
    private static string? Problem(IPAddress address, int port) => PortPicker.Problem(address, port) switch
    {
        SocketError.AddressAlreadyInUse => "is in use by another process",
        SocketError.AccessDenied => "may not be listened on by this user (a port below 1024 needs root or CAP_NET_BIND_SERVICE)",
        _ => null,
    };
}
