using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using Npgsql;
using SecretsStore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SecretsStore.Tests.Faults;

/// <summary>More clients than the service has database connections: they queue for a connection, none gets a 5xx.</summary>
[Collection(FaultCollection.Name)]
public sealed class ManyClientsTests(ITestOutputHelper output)
{
    private const int Clients = 256;

    [Fact]
    public async Task TwoHundredFiftySixConcurrentClientsGetNo5xxAndTheServiceStaysWithinItsConnectionBudget()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("many"));
        await using var app = await TestHost.StartAsync(settings);
        var (account, stores) = await ClusterUnderLoad.PrepareAsync(app.BaseAddress, settings.AdminToken, stores: 32);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients }) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var statuses = new ConcurrentDictionary<int, int>();
        var connections = 0L;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(6));

        var watch = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                connections = Math.Max(connections, await ConnectionsAsync(settings.ConnectionString));
                await Task.Delay(200);
            }
        });
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var store = stores[(client + i) % stores.Count];
                using var request = i % 2 == 0
                    ? new HttpRequestMessage(HttpMethod.Post, $"{account.Base}/stores/{store}/secrets")
                    {
                        Content = new StringContent($"[{{\"name\":\"C{client}_{i}\",\"value\":\"v\",\"scopes\":[\"workers\"]}}]", Encoding.UTF8, "application/json"),
                    }
                    : new HttpRequestMessage(HttpMethod.Get, $"{account.Base}/stores/{store}/secrets?per_page=5");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.WriteToken);
                using var response = await http.SendAsync(request);
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
            }
        })));
        await watch;

        output.WriteLine($"{string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Value} × {s.Key}"))}; at most {connections} connections to PostgreSQL");
        Assert.Equal([200], statuses.Keys.Order());
        Assert.True(connections <= 28, $"{connections} connections to PostgreSQL, more than the 28 a process may open");
    }

    /// <summary>Connections to the test's database from anyone but this query.</summary>
    private static async Task<long> ConnectionsAsync(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
