using Npgsql;

namespace SecretsStore.Persistence.Stores;

/// <summary>
/// The careful commit, for a round whose one-round-trip commit a guard rolled back: one transaction that locks the
/// accounts' quota rows and the stores' rows first (<see cref="Locked"/>), so the caller can plan every store against
/// its exact version and its account's exact budget, and then writes what was planned and commits
/// (<see cref="CommitAsync"/>). The planning happens between the two calls, on the caller's side: nothing here calls
/// back into it. Disposing the session without a commit rolls the transaction back; the locks end with it.
/// </summary>
public sealed class CarefulCommitSession : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly int _defaultSecretsLimit;

    private CarefulCommitSession(NpgsqlConnection connection, NpgsqlTransaction transaction, LockedRows locked, int defaultSecretsLimit)
    {
        _connection = connection;
        _transaction = transaction;
        _defaultSecretsLimit = defaultSecretsLimit;
        Locked = locked;
    }

    /// <summary>What the locks found; they hold until the session commits or is disposed.</summary>
    public LockedRows Locked { get; }

    /// <summary>Opens the transaction and takes the locks; a failure leaves nothing open and nothing written.</summary>
    internal static async Task<CarefulCommitSession> BeginAsync(
        NpgsqlDataSource db, Guid[] storeIds, Guid[] accountIds, int defaultSecretsLimit, IReadOnlyList<(byte[] KeyHash, DateTime Since)>? keys = null)
    {
        var connection = await db.OpenConnectionAsync();
        NpgsqlTransaction? transaction = null;
        try
        {
            transaction = await connection.BeginTransactionAsync();
            var locked = await CommitSql.LockAsync(connection, transaction, storeIds, accountIds, defaultSecretsLimit, keys);
            return new CarefulCommitSession(connection, transaction, locked, defaultSecretsLimit);
        }
        catch
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }

            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Writes what the stores' changes hold, with the version and limit guards, and commits. A failure before COMMIT
    /// is thrown as it is: nothing was written. A failure of COMMIT itself is a <see cref="CommitInDoubtException"/>.
    /// </summary>
    public async Task CommitAsync(IReadOnlyList<IStoreChanges> stores)
    {
        await using (var batch = CommitSql.WriteBatch(_connection, _transaction, stores, _defaultSecretsLimit))
        {
            if (batch is not null)
            {
                await batch.ExecuteNonQueryAsync();
            }
        }

        try
        {
            await _transaction.CommitAsync();
        }
        catch (Exception ex)
        {
            throw new CommitInDoubtException(ex);
        }
    }

    /// <summary>Rolls back what was not committed (disposing an open transaction does) and gives the connection back.</summary>
    /// <remarks>
    /// A rollback that fails means the connection is gone, and the server rolls back what it did not commit when its
    /// connection goes: the outcome is the same. So it throws nothing, and the failure that ended the session (one in
    /// doubt above all) is the one the caller sees.
    /// </remarks>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _transaction.DisposeAsync();
        }
        catch (Exception)
        {
            // See the remarks: nothing is left to undo.
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }
}
