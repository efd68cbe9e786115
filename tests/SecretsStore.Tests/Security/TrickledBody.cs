using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace SecretsStore.Tests.Security;

/// <summary>
/// One request of a slow-body flood, on its own connection: it announces a large Content-Length and then sends its
/// body at a steady trickle until disposed, never finishing it. The trickle keeps to a rate (paced by elapsed time, so
/// a stalled test machine catches up rather than falls under the server's minimum), which keeps the connection alive
/// for as long as a test needs it.
/// </summary>
public sealed class TrickledBody : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sending;

    private TrickledBody(TcpClient tcp, int bytesPerSecond)
    {
        _tcp = tcp;
        _sending = TrickleAsync(tcp.GetStream(), bytesPerSecond, _stop.Token);
    }

    /// <summary>POSTs to <paramref name="path"/> announcing <paramref name="announced"/> bytes, then trickles.</summary>
    public static async Task<TrickledBody> StartAsync(Uri server, string path, string token, long announced, int bytesPerSecond)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(server.Host, server.Port);
        var head = $"POST {path} HTTP/1.1\r\nHost: {server.Authority}\r\nAuthorization: Bearer {token}\r\n" +
                   $"Content-Type: application/json\r\nContent-Length: {announced}\r\n\r\n[{{\"name\": \"FLOOD\", \"value\": \"";
        await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes(head));
        return new TrickledBody(tcp, bytesPerSecond);
    }

    /// <summary>
    /// The status of the server's answer, read while the body still trickles: a refusal that did not wait for the body.
    /// A server that waits for the whole body never answers, and <paramref name="patience"/> then fails the read.
    /// </summary>
    public async Task<(int Status, string Head)> AnswerAsync(TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        var received = new StringBuilder();
        var buffer = new byte[1024];
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await _tcp.GetStream().ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        var head = received.ToString();
        var status = head.Split(' ', 3) is [_, var code, _] && int.TryParse(code, out var parsed) ? parsed : 0;
        return (status, head);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _sending;
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // Stopped mid-write, or the server had already closed the connection: either way it is over.
        }

        _tcp.Dispose();
        _stop.Dispose();
    }

    private static async Task TrickleAsync(NetworkStream stream, int bytesPerSecond, CancellationToken stop)
    {
        var chunk = Encoding.ASCII.GetBytes(new string('a', 1024));
        var clock = Stopwatch.StartNew();
        long sent = 0;
        while (!stop.IsCancellationRequested)
        {
            var due = (long)(clock.Elapsed.TotalSeconds * bytesPerSecond) - sent;
            for (; due >= chunk.Length; due -= chunk.Length, sent += chunk.Length)
            {
                await stream.WriteAsync(chunk, stop);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), stop);
        }
    }
}
