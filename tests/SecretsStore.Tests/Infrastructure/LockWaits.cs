using Npgsql;

namespace SecretsStore.Tests.Infrastructure;

/// <summary>Waits that tell, from PostgreSQL itself, that the service reached a point a test holds it at.</summary>
public static class LockWaits
{
    /// <summary>
    /// Returns once a statement in the test's database waits for a lock (one the test holds in <paramref name="holding"/>);
    /// fails the test if <paramref name="running"/> ends first or nothing waits within 30 s.
    /// </summary>
    public static async Task UntilAWriteWaitsForALockAsync(NpgsqlConnection owner, NpgsqlTransaction holding, Task running)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !running.IsCompleted)
        {
            await using var waiting = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()", owner, holding);
            if ((long)(await waiting.ExecuteScalarAsync())! > 0)
            {
                return;
            }

            await Task.Delay(20);
        }

        Assert.Fail("the first write never waited for the store's row");
    }
}
