using System.Text.RegularExpressions;
using Npgsql;

namespace SecretsStore.Tests.Faults;

/// <summary>What the database fault tests read to tell that a two-silo cluster came through a fault whole.</summary>
public static partial class ClusterRecovery
{
    /// <summary>Orleans' <c>SiloStatus.Active</c>, as the membership table stores it.</summary>
    public const int SiloActive = 3;

    /// <summary>
    /// Waits until every store has acknowledged a create sent after <paramref name="since"/> through every silo, so that
    /// both silos, and the grains on each, are seen writing again; fails naming <paramref name="after"/> after 60 s.
    /// </summary>
    public static async Task EveryStoreTakesWritesThroughEverySiloAsync(
        WriteLoad load, IReadOnlyList<string> stores, int silos, TimeSpan since, string after)
    {
        var deadline = load.Elapsed + TimeSpan.FromSeconds(60);
        while (!stores.All(store => Enumerable.Range(0, silos).All(silo =>
                   load.Attempts.Any(a => a.Store == store && a.Gateway == silo && a.Status == 200 && a.Finished - a.Took > since))))
        {
            Assert.True(load.Elapsed < deadline, $"some stores took no write through some silo for 60 s after {after}; {load.Summary()}");
            await Task.Delay(200);
        }
    }

    /// <summary>The status of each of the cluster's rows in the membership table.</summary>
    public static async Task<List<int>> MembershipAsync(string connectionString, string cluster)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var command = db.CreateCommand("SELECT status FROM orleansmembershiptable WHERE deploymentid = $1 ORDER BY status");
        command.Parameters.Add(new NpgsqlParameter { Value = cluster });
        await using var reader = await command.ExecuteReaderAsync();
        var statuses = new List<int>();
        while (await reader.ReadAsync())
        {
            statuses.Add(reader.GetInt32(0));
        }

        return statuses;
    }

    /// <summary>How many requests the silos' logs say were in a commit whose outcome is unknown (sent, answer lost).</summary>
    public static int InDoubtRequests(string logs) =>
        InDoubtCommit().Matches(logs).Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

    [GeneratedRegex(@"A commit of (\d+) requests in \d+ stores failed after it was sent")]
    private static partial Regex InDoubtCommit();
}
