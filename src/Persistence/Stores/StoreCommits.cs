using Npgsql;

namespace SecretsStore.Persistence.Stores;

/// <summary>
/// The two ways a group commit writes its stores: optimistically in one round trip, whose guards roll it back whole,
/// or carefully in a session that locks the rows first and lets the caller plan under those locks before it writes.
/// A failure is thrown: a <see cref="CommitInDoubtException"/> when the commit may have landed, anything else when
/// nothing was written. The caller decides what every waiting batch is told.
/// </summary>
public sealed class StoreCommits(NpgsqlDataSource db)
{
    /// <summary>Writes every store's changes as one implicit transaction, with the version and limit guards.</summary>
    /// <remarks>The caller sends only stores with something to write (so the batch is never empty), and opens no connection for nothing.</remarks>
    /// <returns>
    /// False when a guard failed: the whole batch rolled back, and planning again under locks may fit (or answer a keyed
    /// write from the answer its key already has).
    /// </returns>
    public async Task<bool> TryCommitInOneRoundTripAsync(IReadOnlyList<IStoreChanges> stores, int defaultSecretsLimit)
    {
        var sent = false;
        try
        {
            await using var connection = await db.OpenConnectionAsync();
            await using var batch = CommitSql.WriteBatch(connection, transaction: null, stores, defaultSecretsLimit)!;
            sent = true;
            await batch.ExecuteNonQueryAsync();
            return true;
        }
        catch (PostgresException ex) when (ex.SqlState is CommitSql.StoreMovedOn or CommitSql.LimitReached or CommitSql.KeyTaken)
        {
            return false;
        }
        catch (Exception ex) when (sent && ex is not PostgresException)
        {
            // The server answered an error (a PostgresException): the implicit transaction rolled back. Anything else
            // once the batch was sent (a broken connection, a timeout) leaves the outcome unknown.
            throw new CommitInDoubtException(ex);
        }
    }

    /// <summary>
    /// Opens a careful commit: its transaction holds the accounts' quota rows and the stores' rows locked, and what
    /// it found is <see cref="CarefulCommitSession.Locked"/>. Dispose it; it commits only when asked to.
    /// </summary>
    /// <param name="keys">The round's Idempotency-Keys and the starts of their windows, whose kept answers it reads.</param>
    public Task<CarefulCommitSession> BeginCarefulCommitAsync(
        Guid[] storeIds, Guid[] accountIds, int defaultSecretsLimit, IReadOnlyList<(byte[] KeyHash, DateTime Since)>? keys = null) =>
        CarefulCommitSession.BeginAsync(db, storeIds, accountIds, defaultSecretsLimit, keys);
}
