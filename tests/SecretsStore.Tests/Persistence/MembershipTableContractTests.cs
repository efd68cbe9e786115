using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Runtime;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Persistence;

/// <summary>
/// Drives the ADO.NET membership table directly, without a running silo, so that every clustering
/// query in our SQL runs at least once, including the ones a short-lived silo never reaches.
/// </summary>
public sealed class MembershipTableContractTests
{
    private const string ClusterId = "contract";

    [Fact]
    public async Task RowsChangeOnlyTogetherWithTheTableVersionTheWriterRead()
    {
        var connectionString = await SharedPostgres.CreateDatabaseAsync("membership_contract");
        using var host = TestSilo.Build(connectionString, ClusterId);
        var table = host.Services.GetRequiredService<IMembershipTable>();
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);

        var empty = await table.ReadAllAsync();
        var silo = NewEntry(port: 11111);
        Assert.Empty(empty.Members);
        Assert.True(await table.InsertRowAsync(silo, empty.Version.Next()));
        Assert.False(await table.InsertRowAsync(NewEntry(port: 11112), empty.Version.Next()));

        var row = await table.ReadRowAsync(silo.SiloAddress);
        var (stored, etag) = Assert.Single(row.Members);
        Assert.Equal(silo.SiloAddress, stored.SiloAddress);
        Assert.Equal(SiloStatus.Joining, stored.Status);

        silo.Status = SiloStatus.Active;
        silo.SuspectTimes = [Tuple.Create(NewEntry(port: 11113).SiloAddress, Truncated(DateTime.UtcNow))];
        Assert.True(await table.UpdateRowAsync(silo, etag, row.Version.Next()));
        Assert.False(await table.UpdateRowAsync(silo, etag, row.Version.Next()));

        silo.IAmAliveTime = Truncated(DateTime.UtcNow.AddSeconds(5));
        await table.UpdateIAmAliveAsync(silo);

        var all = await table.ReadAllAsync();
        var (updated, _) = Assert.Single(all.Members);
        Assert.Equal(2, all.Version.Version);
        Assert.Equal(SiloStatus.Active, updated.Status);
        Assert.Equal(silo.IAmAliveTime, updated.IAmAliveTime);
        Assert.Equal(silo.SuspectTimes, updated.SuspectTimes);
    }

    [Fact]
    public async Task DeletingTheClusterRemovesItsVersionAndItsSilos()
    {
        var connectionString = await SharedPostgres.CreateDatabaseAsync("membership_delete");
        using var host = TestSilo.Build(connectionString, ClusterId);
        var table = host.Services.GetRequiredService<IMembershipTable>();
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        Assert.True(await table.InsertRowAsync(NewEntry(port: 11111), (await table.ReadAllAsync()).Version.Next()));

        await table.DeleteMembershipTableEntriesAsync(ClusterId);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM OrleansMembershipTable) + (SELECT count(*) FROM OrleansMembershipVersionTable)", connection);
        Assert.Equal(0L, await command.ExecuteScalarAsync());
    }

    private static MembershipEntry NewEntry(int port)
    {
        var now = Truncated(DateTime.UtcNow);
        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 1),
            SiloName = $"silo-{port}",
            HostName = "localhost",
            Status = SiloStatus.Joining,
            ProxyPort = port + 1000,
            StartTime = now,
            IAmAliveTime = now,
        };
    }

    // PostgreSQL keeps microseconds; .NET ticks are finer.
    private static DateTime Truncated(DateTime time) => new(time.Ticks - time.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
}
