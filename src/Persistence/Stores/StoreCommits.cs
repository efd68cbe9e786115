using Npgsql;

namespace SecretsStore.Persistence.Stores;

/// <summary>
/// The two ways a group commit writes its stores: optimistically in one round trip, whose guards roll it back whole,
/// or carefully in a transaction that locks the rows first and lets the caller plan under those locks. Each answers
/// how it ended instead of throwing, so the caller decides what every waiting batch is told.
/// </summary>
public sealed class StoreCommits(NpgsqlDataSource db)
{
    /// <summary>Writes every store's changes as one implicit transaction, with the version and limit guards.</summary>
    /// <remarks>The caller sends only stores with something to write (so the batch is never empty), and opens no connection for nothing.</remarks>
    public async Task<CommitAttempt> CommitInOneRoundTripAsync(IReadOnlyList<IStoreChanges> stores, int defaultSecretsLimit)
    {
        var sent = false;
        try
        {
            await using var connection = await db.OpenConnectionAsync();
            await using var batch = CommitSql.WriteBatch(connection, transaction: null, stores, defaultSecretsLimit)!;
            sent = true;
            await batch.ExecuteNonQueryAsync();
            return new CommitAttempt(CommitOutcome.Committed);
        }
        catch (PostgresException ex) when (ex.SqlState is CommitSql.StoreMovedOn or CommitSql.LimitReached)
        {
            return new CommitAttempt(CommitOutcome.GuardFailed);
        }
        catch (Exception ex)
        {
            // The server answered an error: the implicit transaction rolled back. Anything else after sending (a
            // broken connection, a timeout) leaves the outcome unknown.
            return new CommitAttempt(sent && ex is not PostgresException ? CommitOutcome.Unknown : CommitOutcome.NotCommitted, ex);
        }
    }

    /// <summary>
    /// Locks the accounts' quota rows and the stores' rows, has <paramref name="plan"/> decide under those locks what
    /// each store writes, then writes it and commits.
    /// </summary>
    /// <param name="plan">Runs once, inside the transaction; what it answers is written in it.</param>
    public async Task<CommitAttempt> CommitCarefullyAsync(
        Guid[] storeIds, Guid[] accountIds, int defaultSecretsLimit, Func<LockedRows, IReadOnlyList<IStoreChanges>> plan)
    {
        var committing = false;
        try
        {
            await using var connection = await db.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            var locked = await CommitSql.LockAsync(connection, transaction, storeIds, accountIds, defaultSecretsLimit);
            await using (var batch = CommitSql.WriteBatch(connection, transaction, plan(locked), defaultSecretsLimit))
            {
                if (batch is not null)
                {
                    await batch.ExecuteNonQueryAsync();
                }
            }

            committing = true;
            await transaction.CommitAsync();
            return new CommitAttempt(CommitOutcome.Committed);
        }
        catch (Exception ex)
        {
            return new CommitAttempt(committing ? CommitOutcome.Unknown : CommitOutcome.NotCommitted, ex);
        }
    }
}
