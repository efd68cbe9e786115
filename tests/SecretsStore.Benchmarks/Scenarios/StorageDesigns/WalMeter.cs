using Npgsql;

namespace SecretsStore.Benchmarks.Scenarios.StorageDesigns;

/// <summary>
/// Bytes a piece of work makes PostgreSQL write, read as the advance of the server's WAL position. The server is
/// the benchmark's own and the designs run one at a time, so the whole advance belongs to the work measured.
/// </summary>
/// <remarks>
/// Full-page images are switched off while measuring: with them on, the figure would mostly say how long ago the
/// last checkpoint was (the first change to a page after one logs the whole 8 kB page), not what a design writes.
/// </remarks>
internal sealed class WalMeter(string connectionString) : IAsyncDisposable
{
    private readonly NpgsqlDataSource _db = NpgsqlDataSource.Create(connectionString);

    public async Task<(T Result, long Bytes)> MeasureAsync<T>(Func<Task<T>> work)
    {
        var before = await PositionAsync();
        var result = await work();
        return (result, await PositionAsync() - before);
    }

    public async Task SetFullPageWritesAsync(bool on)
    {
        await ExecuteAsync(on ? "ALTER SYSTEM RESET full_page_writes" : "ALTER SYSTEM SET full_page_writes = off");
        await ExecuteAsync("SELECT pg_reload_conf()");
        // The reload reaches the server's processes a moment later, and the checkpointer applies the setting to WAL
        // insertion only when it next wakes; a checkpoint after that moment makes it take effect now.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        await ExecuteAsync("CHECKPOINT");
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private async Task<long> PositionAsync()
    {
        await using var command = _db.CreateCommand("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = _db.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
