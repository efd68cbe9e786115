using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Crypto;
using SecretsStore.Grains.StoreWrites;
using SecretsStore.Persistence.Audit;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.UnitTests.Security;

/// <summary>
/// Review finding 17: a store's unwrapped data key lived as long as the process, even after the store was deleted.
/// It is zeroed when its holder lets go of it: the grain deactivates, the store is deleted, or the snapshot is replaced.
/// </summary>
public sealed class KeyZeroingTests
{
    private readonly Guid _account = Guid.NewGuid();
    private readonly Guid _store = Guid.NewGuid();

    [Fact]
    public void DisposingAnUnwrappedKeyZeroesTheBytesItUnwrapped()
    {
        var material = RandomNumberGenerator.GetBytes(32);
        var key = new UnwrappedKey(() => material);
        Assert.True(key.Use(k => ReferenceEquals(k, material)));
        Assert.Contains(material, b => b != 0);

        key.Dispose();

        Assert.All(material, b => Assert.Equal(0, b));
    }

    [Fact]
    public void AKeyIsNeverUsedOnceDisposedSoNothingIsSealedUnderZeros()
    {
        var key = new UnwrappedKey(() => RandomNumberGenerator.GetBytes(32));
        key.Use(k => k.Length);
        key.Dispose();

        Assert.Throws<ObjectDisposedException>(() => key.Use(k => k.Length));
    }

    [Fact]
    public void AKeyDisposedBeforeItsFirstUseIsNeverUnwrapped()
    {
        var unwrapped = 0;
        var key = new UnwrappedKey(() => { unwrapped++; return new byte[32]; });
        key.Dispose();

        Assert.Throws<ObjectDisposedException>(() => key.Use(k => k.Length));
        Assert.Equal(0, unwrapped);
    }

    [Fact]
    public void AStoresKeysNeitherSealNorOpenOnceDisposed()
    {
        var keys = NewKeys();
        var secret = new SecretRecord(Guid.NewGuid(), "S", DateTime.UnixEpoch, DateTime.UnixEpoch, null, ["workers"], keys.Seal(Guid.NewGuid(), new SecretValue("v")));
        keys.Dispose();

        Assert.Throws<ObjectDisposedException>(() => keys.Seal(Guid.NewGuid(), new SecretValue("v")));
        Assert.Throws<ObjectDisposedException>(() => keys.Open(secret));
    }

    [Fact]
    public void ASnapshotZeroesItsKeysWhenDisposed()
    {
        var keys = NewKeys();
        keys.Seal(Guid.NewGuid(), new SecretValue("v"));
        new StoreSnapshot(_store, LiveRow(), [], keys).Dispose();

        Assert.Throws<ObjectDisposedException>(() => keys.Seal(Guid.NewGuid(), new SecretValue("v")));
    }

    [Fact]
    public void AWriteQueueZeroesTheKeysOfASnapshotItReplacesAndOfItsOwnWhenUnloaded()
    {
        var (first, second) = (NewKeys(), NewKeys());
        var queue = new StoreWriteQueue(new CommittingStorage(), 10, NullLogger.Instance);
        queue.Load(new StoreSnapshot(_store, LiveRow(), [], first));
        queue.Load(new StoreSnapshot(_store, LiveRow(), [], second));

        Assert.Throws<ObjectDisposedException>(() => first.Seal(Guid.NewGuid(), new SecretValue("v")));
        second.Seal(Guid.NewGuid(), new SecretValue("v"));

        queue.Unload();
        Assert.Throws<ObjectDisposedException>(() => second.Seal(Guid.NewGuid(), new SecretValue("v")));
    }

    /// <summary>The grain deactivates on this (once idle), and its deactivation unloads the queue.</summary>
    [Fact]
    public async Task ACommittedStoreDeleteTellsTheGrainItHasNothingLeftToServe()
    {
        var queue = new StoreWriteQueue(new CommittingStorage(), 10, NullLogger.Instance);
        queue.Load(new StoreSnapshot(_store, LiveRow(), [], NewKeys()));
        var deleted = 0;
        queue.StoreDeleted += () => deleted++;
        var caller = Caller.Account(Permission.Write, "token:t");

        await queue.SubmitAsync(new DeleteStoreCommand(new AuditedCall(caller, Guid.NewGuid(), AuditActions.StoreDelete, DateTime.UnixEpoch), force: true));
        Assert.Equal(0, deleted); // another account's store: refused, nothing deleted

        var answer = await queue.SubmitAsync(new DeleteStoreCommand(new AuditedCall(caller, _account, AuditActions.StoreDelete, DateTime.UnixEpoch), force: true));
        Assert.True(answer.Succeeded);
        Assert.Equal(1, deleted);
    }

    private StoreKeys NewKeys()
    {
        var ring = new MasterKeyRing([RandomNumberGenerator.GetBytes(MasterKeyRing.KeyBytes)]);
        var cipher = new ValueCipher(ring);
        var wrapped = StoreKeys.NewWrapped(cipher, ring.NewestId, _account, _store);
        return new StoreKeys(cipher, _account, _store, new WrappedKey(wrapped.MasterKeyId, wrapped.Blob));
    }

    private StoreRow LiveRow() =>
        new(_store, _account, "store", null, DateTime.UnixEpoch, DateTime.UnixEpoch, null, false, 1);

    /// <summary>Storage where every batch commits: planned against its snapshot, written nowhere.</summary>
    private sealed class CommittingStorage : IStoreStorage
    {
        public Task<StoreSnapshot> LoadAsync(Guid storeId, CancellationToken ct) => throw new NotSupportedException();

        public Task<CommitResult> CommitAsync(StoreBatch batch) =>
            Task.FromResult(new CommitResult(CommitStatus.Committed, batch.Plan(QuotaBudget.Unlimited())));

        public Task<IReadOnlyList<CommittedRecord>> FindCommittedAsync(Guid storeId, string requestId, DateTime notBefore, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<CommittedRecord>>([]);

        public Task<IReadOnlyList<RecentKey>> RecentKeysAsync(Guid storeId, int limit, CancellationToken ct) => Task.FromResult<IReadOnlyList<RecentKey>>([]);

        public Task<KeyedRequest?> FindAnswerAsync(byte[] keyHash, DateTime since, CancellationToken ct) => Task.FromResult<KeyedRequest?>(null);
    }
}
