using System.Data;
using Npgsql;
using NpgsqlTypes;
using Orleans.Serialization;

namespace SecretsStore.Benchmarks.Experiments.EventSourcing;

/// <summary>Faults the log can be told to fake, to see what Orleans' log view adaptor does with them.</summary>
public enum EventLogFault
{
    None,

    /// <summary>Every append throws before it touches the database, as when the database is unreachable.</summary>
    FailBeforeWrite,

    /// <summary>The next append commits and then throws, as when the connection drops while COMMIT is answered.</summary>
    FailAfterCommitOnce,
}

/// <summary>What the log has written since it started, to see how the adaptor batches.</summary>
public sealed record EventLogCounters(long Appends, long Events, long Snapshots);

/// <summary>
/// The event-sourced store's storage: every event a row of <c>es_events</c>, and every
/// <see cref="SnapshotEvery"/> events the whole state in <c>es_snapshots</c>, written in the same transaction as
/// the events that complete it. Reading takes the snapshot and replays the events after it. Payloads are in
/// Orleans' binary format, the same serializer the grain's state already needs for deep copies.
/// </summary>
public sealed class PostgresEventLog(NpgsqlDataSource db, Serializer serializer, int snapshotEvery) : IAsyncDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS es_events
        (
            store_id uuid    NOT NULL,
            version  integer NOT NULL,
            payload  bytea   NOT NULL,
            PRIMARY KEY (store_id, version)
        );
        CREATE TABLE IF NOT EXISTS es_snapshots
        (
            store_id uuid    PRIMARY KEY,
            version  integer NOT NULL,
            payload  bytea   NOT NULL
        );
        """;

    // Versions are dense, so "version expectedVersion + 1 is already there" is exactly "someone else wrote since":
    // the insert then adds fewer rows than it was given, and the whole append is rolled back.
    private const string InsertEvents = """
        INSERT INTO es_events (store_id, version, payload)
        SELECT $1, u.version, u.payload FROM unnest($2::integer[], $3::bytea[]) AS u(version, payload)
        ON CONFLICT DO NOTHING
        """;

    private const string UpsertSnapshot = """
        INSERT INTO es_snapshots (store_id, version, payload) VALUES ($1, $2, $3)
        ON CONFLICT (store_id) DO UPDATE SET version = excluded.version, payload = excluded.payload
        """;

    private const string SelectSnapshot = "SELECT version, payload FROM es_snapshots WHERE store_id = $1";

    private const string SelectEventsAfterSnapshot = """
        SELECT version, payload FROM es_events
         WHERE store_id = $1 AND version > coalesce((SELECT version FROM es_snapshots WHERE store_id = $1), 0)
         ORDER BY version
        """;

    private long _appends;
    private long _events;
    private long _snapshots;
    private volatile EventLogFault _fault;

    public int SnapshotEvery => snapshotEvery;

    public EventLogFault Fault
    {
        get => _fault;
        set => _fault = value;
    }

    public EventLogCounters Counters => new(Interlocked.Read(ref _appends), Interlocked.Read(ref _events), Interlocked.Read(ref _snapshots));

    /// <summary>Events replayed on top of the snapshot by the most recent read, to report what an activation did.</summary>
    public (int SnapshotVersion, int Replayed) LastRead { get; private set; }

    public async Task CreateSchemaAsync()
    {
        await using var command = db.CreateCommand(Schema);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<KeyValuePair<int, EventSourcedStoreState>> ReadAsync(Guid storeId)
    {
        await using var connection = await db.OpenConnectionAsync();
        // Repeatable read: the snapshot and the events after it must come from the same moment.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands = { Command(SelectSnapshot, storeId), Command(SelectEventsAfterSnapshot, storeId) },
        };
        await using var reader = await batch.ExecuteReaderAsync();

        var snapshotVersion = 0;
        var state = new EventSourcedStoreState();
        if (await reader.ReadAsync())
        {
            snapshotVersion = reader.GetInt32(0);
            state = EventSourcedStoreState.From(serializer.Deserialize<SealedSecret[]>(reader.GetFieldValue<byte[]>(1))!);
        }

        await reader.NextResultAsync();
        var version = snapshotVersion;
        while (await reader.ReadAsync())
        {
            version = reader.GetInt32(0);
            state.Apply(serializer.Deserialize<StoreEvent>(reader.GetFieldValue<byte[]>(1))!);
        }

        LastRead = (snapshotVersion, version - snapshotVersion);
        return new KeyValuePair<int, EventSourcedStoreState>(version, state);
    }

    /// <summary>
    /// Appends the events at <paramref name="expectedVersion"/> + 1 onwards in one transaction, with the snapshot
    /// when they cross a multiple of <see cref="SnapshotEvery"/>; false, and nothing written, when the log has moved on.
    /// </summary>
    /// <param name="confirmed">The state at <paramref name="expectedVersion"/>; only read.</param>
    public async Task<bool> AppendAsync(Guid storeId, int expectedVersion, IReadOnlyList<StoreEvent> events, EventSourcedStoreState confirmed)
    {
        var fault = _fault;
        if (fault == EventLogFault.FailBeforeWrite)
        {
            throw new NpgsqlException("Injected fault: the database is unreachable.");
        }

        var newVersion = expectedVersion + events.Count;
        var versions = Enumerable.Range(expectedVersion + 1, events.Count).ToArray();
        var payloads = events.Select(e => serializer.SerializeToArray<StoreEvent>(e)).ToArray();
        var snapshot = newVersion / snapshotEvery > expectedVersion / snapshotEvery ? Snapshot(confirmed, events) : null;

        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand(InsertEvents, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = storeId });
            insert.Parameters.Add(new NpgsqlParameter { Value = versions });
            insert.Parameters.Add(new NpgsqlParameter { Value = payloads, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
            if (await insert.ExecuteNonQueryAsync() != events.Count)
            {
                await transaction.RollbackAsync();
                return false;
            }
        }

        if (snapshot is not null)
        {
            await using var upsert = new NpgsqlCommand(UpsertSnapshot, connection, transaction);
            upsert.Parameters.Add(new NpgsqlParameter { Value = storeId });
            upsert.Parameters.Add(new NpgsqlParameter { Value = newVersion });
            upsert.Parameters.Add(new NpgsqlParameter { Value = snapshot });
            await upsert.ExecuteNonQueryAsync();
            Interlocked.Increment(ref _snapshots);
        }

        await transaction.CommitAsync();
        Interlocked.Increment(ref _appends);
        Interlocked.Add(ref _events, events.Count);

        if (fault == EventLogFault.FailAfterCommitOnce)
        {
            _fault = EventLogFault.None;
            throw new NpgsqlException("Injected fault: the connection dropped after COMMIT.");
        }

        return true;
    }

    /// <summary>How many events of the store are stored, whoever wrote them.</summary>
    public async Task<int> CountEventsAsync(Guid storeId)
    {
        await using var command = db.CreateCommand("SELECT count(*)::integer FROM es_events WHERE store_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = storeId });
        return (int)(await command.ExecuteScalarAsync())!;
    }

    public ValueTask DisposeAsync() => db.DisposeAsync();

    /// <summary>The whole state after the events: its cost grows with the store, whatever the batch's size.</summary>
    private byte[] Snapshot(EventSourcedStoreState confirmed, IReadOnlyList<StoreEvent> events)
    {
        // Only the secrets go into the snapshot, so only they are copied; the name index is rebuilt on reading.
        var next = new EventSourcedStoreState { Secrets = new Dictionary<Guid, SealedSecret>(confirmed.Secrets) };
        foreach (var @event in events)
        {
            next.Apply(@event);
        }

        return serializer.SerializeToArray(next.Secrets.Values.ToArray());
    }

    private static NpgsqlBatchCommand Command(string sql, Guid storeId) => new(sql) { Parameters = { new NpgsqlParameter { Value = storeId } } };
}
