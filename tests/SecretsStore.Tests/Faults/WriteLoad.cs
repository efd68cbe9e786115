using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Faults;

/// <summary>One create as a client saw it.</summary>
/// <param name="Status">The HTTP status; 0 when the connection failed, -1 when the test gave up waiting (no answer either way).</param>
/// <param name="Gateway">Which gateway the request went through.</param>
/// <param name="Finished">When the answer came, measured from the start of the load.</param>
/// <param name="Failure">For status 0, how the connection failed; for an error status, what the answer said.</param>
public sealed record Attempt(
    string Store, string Name, int Status, TimeSpan Took, int Gateway, bool RetryAfter, TimeSpan Finished = default, string? Failure = null);

/// <summary>
/// Writers creating one uniquely named secret per request, spread over stores and gateways, until stopped. Every
/// attempt is recorded, so a test can hold what storage ends up with against what clients were told.
/// </summary>
public sealed class WriteLoad
{
    private readonly ConcurrentQueue<Attempt> _attempts = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abandon = new();
    private readonly Task _writers;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private readonly bool _failOver;
    private readonly TimeSpan _failurePause;
    private readonly bool[]? _ready;
    private int _connectionsOpened;

    private WriteLoad(
        IReadOnlyList<Uri> gateways, TestAccount account, IReadOnlyList<string> stores, int writers, bool failOver, bool followReadiness, TimeSpan failurePause)
    {
        _failOver = failOver;
        _failurePause = failurePause;
        _ready = followReadiness ? gateways.Select(_ => true).ToArray() : null;
        var watch = followReadiness ? WatchReadinessAsync(gateways) : Task.CompletedTask;
        _writers = Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(() => WriteAsync(w, gateways, account, stores))).Append(watch));
    }

    public IReadOnlyCollection<Attempt> Attempts => _attempts;

    public IEnumerable<Attempt> Acknowledged => _attempts.Where(a => a.Status == 200);

    public IEnumerable<Attempt> Failed => _attempts.Where(a => a.Status != 200);

    /// <summary>TCP connections the writers opened: one each, unless a gateway closed or dropped one.</summary>
    public int ConnectionsOpened => Volatile.Read(ref _connectionsOpened);

    /// <summary>How long the load has run.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <param name="failOver">
    /// Behave as a load balancer does: a request whose connection could not be made (the gateway is not listening)
    /// was never sent, so it is sent again, to the next gateway, and the writer stays there. Anything else is recorded
    /// as it came.
    /// </param>
    /// <param name="followReadiness">
    /// Behave as a balancer that polls readiness (<c>/readyz</c>, every 200 ms): a writer whose gateway is not ready
    /// moves to one that is before its next request. A stopping gateway turns unready for its drain delay (1 s) before
    /// it stops listening, so no request is sent to it as it stops.
    /// </param>
    /// <param name="failurePause">
    /// How long a writer waits after an answer that is not a success, as a client backing off does: a long outage
    /// answered in milliseconds would otherwise become a busy loop that starves the processes under test.
    /// </param>
    public static WriteLoad Start(
        IReadOnlyList<Uri> gateways, TestAccount account, IReadOnlyList<string> stores, int writers = 16, bool failOver = false, bool followReadiness = false,
        TimeSpan failurePause = default) =>
        new(gateways, account, stores, writers, failOver, followReadiness, failurePause);

    /// <summary>Counts by answer, and the slowest, for a test's output.</summary>
    public string Summary() =>
        $"{_attempts.Count} requests: " + string.Join(", ", _attempts.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} × {g.Key}"))
        + $"; slowest {(_attempts.IsEmpty ? 0 : _attempts.Max(a => a.Took.TotalSeconds)):N2} s"
        + string.Concat(_attempts.Where(a => a.Failure is not null).GroupBy(a => a.Failure).Select(g => $"; {g.Count()} × {g.Key}"));

    /// <summary>Starts no new request, lets those under way finish within <paramref name="grace"/>, then abandons them.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        await _stopping.CancelAsync();
        if (await Task.WhenAny(_writers, Task.Delay(grace)) != _writers)
        {
            await _abandon.CancelAsync();
        }

        await _writers;
    }

    private async Task WriteAsync(int writer, IReadOnlyList<Uri> gateways, TestAccount account, IReadOnlyList<string> stores)
    {
        // Long enough to see a request hang for Orleans' 30 s response timeout instead of cutting it short.
        using var http = new HttpClient(new SocketsHttpHandler { ConnectCallback = ConnectCountedAsync }) { Timeout = TimeSpan.FromSeconds(60) };
        // Each writer keeps to one gateway, as a client behind a balancer would, and walks every store, so its calls
        // reach grains on every silo.
        var gateway = writer % gateways.Count;
        for (var i = 0; !_stopping.IsCancellationRequested; i++)
        {
            gateway = ReadyFrom(gateway);
            var store = stores[(writer + i) % stores.Count];
            var name = $"W{writer}_{i}";
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateways[gateway], $"{account.Base}/stores/{store}/secrets"))
            {
                Content = new StringContent(JsonSerializer.Serialize(new[] { new { name, value = $"value-{name}", scopes = new[] { "workers" } } }), Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.WriteToken);
            var timer = Stopwatch.StartNew();
            try
            {
                using var response = await http.SendAsync(request, _abandon.Token);
                // A failure keeps what it said, so that a test failing on it can tell which refusal it was.
                var said = response.IsSuccessStatusCode ? null : await SaidAsync(response);
                _attempts.Enqueue(new Attempt(store, name, (int)response.StatusCode, timer.Elapsed, gateway, response.Headers.RetryAfter is not null, _clock.Elapsed, said));
                if (said is not null && _failurePause > TimeSpan.Zero)
                {
                    await Task.Delay(_failurePause);
                }
            }
            catch (OperationCanceledException) when (_abandon.IsCancellationRequested)
            {
                _attempts.Enqueue(new Attempt(store, name, -1, timer.Elapsed, gateway, false, _clock.Elapsed));
            }
            catch (HttpRequestException e) when (_failOver && e.HttpRequestError == HttpRequestError.ConnectionError && !_stopping.IsCancellationRequested)
            {
                gateway = (gateway + 1) % gateways.Count;
                i--; // the same secret again, through the next gateway
                await Task.Delay(20);
            }
            catch (SocketException) when (_failOver && !_stopping.IsCancellationRequested)
            {
                // HttpClient lets this through unwrapped when a connection closes the moment it opens (a silo that is
                // stopping accepted it): it failed while connecting, before the request was sent, as a refused one.
                gateway = (gateway + 1) % gateways.Count;
                i--;
                await Task.Delay(20);
            }
            catch (HttpRequestException e)
            {
                _attempts.Enqueue(new Attempt(store, name, 0, timer.Elapsed, gateway, false, _clock.Elapsed, $"{e.HttpRequestError}: {e.InnerException?.Message ?? e.Message}"));
                await Task.Delay(50);
            }
            catch (SocketException e)
            {
                _attempts.Enqueue(new Attempt(store, name, 0, timer.Elapsed, gateway, false, _clock.Elapsed, $"{e.SocketErrorCode} while connecting"));
                await Task.Delay(50);
            }
        }
    }

    /// <summary>What a failed answer said; its body may be cut short with its connection, and its status still counts.</summary>
    private static async Task<string> SaidAsync(HttpResponseMessage response)
    {
        try
        {
            return await response.Content.ReadAsStringAsync();
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return $"(the answer was cut short: {e.Message})";
        }
    }

    /// <summary>The writer's gateway if it is ready (or readiness is not followed), else the next one that is.</summary>
    private int ReadyFrom(int gateway)
    {
        if (_ready is null)
        {
            return gateway;
        }

        for (var step = 0; step < _ready.Length; step++)
        {
            var candidate = (gateway + step) % _ready.Length;
            if (Volatile.Read(ref _ready[candidate]))
            {
                return candidate;
            }
        }

        return gateway;
    }

    private async Task WatchReadinessAsync(IReadOnlyList<Uri> gateways)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        while (!_stopping.IsCancellationRequested)
        {
            await Task.WhenAll(gateways.Select(async (gateway, i) =>
            {
                bool ready;
                try
                {
                    using var response = await http.GetAsync(new Uri(gateway, "/readyz"));
                    ready = response.IsSuccessStatusCode;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or SocketException)
                {
                    ready = false;
                }

                Volatile.Write(ref _ready![i], ready);
            }));
            await Task.Delay(200);
        }
    }

    private async ValueTask<Stream> ConnectCountedAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, ct);
            Interlocked.Increment(ref _connectionsOpened);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
