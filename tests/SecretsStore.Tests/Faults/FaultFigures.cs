using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Faults;

/// <summary>
/// What clients were told in a fault test, held against what storage ended with: the figures the goal of issue 18
/// is stated in (no failed request, no write answered with an error that is present, nothing acknowledged lost).
/// </summary>
/// <param name="Failed">Requests answered with anything but 200, or not answered, except those of <paramref name="Dropped"/>.</param>
/// <param name="ErrorAnsweredPresent">Creates answered with an error status whose secret is stored all the same.</param>
/// <param name="Lost">Acknowledged creates missing from storage.</param>
/// <param name="Dropped">
/// Requests whose own connection went down with the process that held it (killed): the one case in which a client may
/// be left not knowing. Not counted as failed.
/// </param>
/// <param name="Slowest">The longest any request waited for its answer.</param>
/// <param name="Recovered">
/// From the fault until the last answer to a request it slowed (one that took over a second; a create takes
/// milliseconds) arrived; zero when none was slowed.
/// </param>
public sealed record FaultFigures(
    string Scenario, int Requests, IReadOnlyList<Attempt> Failed, int ErrorAnsweredPresent, int Lost, int Dropped, TimeSpan Slowest, TimeSpan Recovered)
{
    /// <summary>A request slower than this was held up by the fault.</summary>
    private static readonly TimeSpan Slowed = TimeSpan.FromSeconds(1);

    public static async Task<FaultFigures> MeasureAsync(
        string scenario, string connectionString, TestAccount account, WriteLoad load, TimeSpan faultAt, Func<Attempt, bool>? dropped = null)
    {
        var stored = await StoredSecrets.NamesAsync(connectionString, account.Id);
        var attempts = load.Attempts.ToList();
        var droppedOnes = attempts.Where(a => a.Status != 200 && dropped is not null && dropped(a)).ToList();
        var failed = attempts.Where(a => a.Status != 200).Except(droppedOnes).ToList();
        var slowed = attempts.Where(a => a.Took > Slowed && a.Finished > faultAt).Select(a => a.Finished - faultAt).DefaultIfEmpty(TimeSpan.Zero).Max();
        return new FaultFigures(
            scenario,
            attempts.Count,
            failed,
            attempts.Count(a => a.Status is not (200 or 0 or -1) && stored.Contains(a.Key())),
            load.Acknowledged.Count(a => !stored.Contains(a.Key())),
            droppedOnes.Count,
            attempts.Count == 0 ? TimeSpan.Zero : attempts.Max(a => a.Took),
            slowed);
    }

    /// <summary>One line, the same in every scenario, so repeated runs can be collected from the test output.</summary>
    public override string ToString() =>
        $"figures {Scenario}: {Requests} requests, {Failed.Count} failed, {ErrorAnsweredPresent} error-answered present, "
        + $"{Lost} lost, {Dropped} dropped with their connection, slowest {Slowest.TotalSeconds:N2} s, recovered {Recovered.TotalSeconds:N2} s after the fault"
        + string.Concat(Failed.GroupBy(a => (a.Status, a.Failure)).Select(g => $"; {g.Count()} × {g.Key.Status} {g.Key.Failure}"));

    /// <summary>The goal: every request answered with success, and storage holding exactly what was acknowledged.</summary>
    public void AssertNothingFailedOrLost()
    {
        Assert.True(Lost == 0, $"{Lost} acknowledged creates are missing; {this}");
        Assert.True(ErrorAnsweredPresent == 0, $"{ErrorAnsweredPresent} creates answered with an error are stored; {this}");
        Assert.True(Failed.Count == 0, $"{Failed.Count} requests failed; {this}");
    }
}
