using Microsoft.Extensions.Logging.Abstractions;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.StoreWrites;
using SecretsStore.Persistence.Audit;
using SecretsStore.Persistence.Stores;
using Fault = SecretsStore.UnitTests.StoreWrites.InMemoryStoreStorage.Fault;

namespace SecretsStore.UnitTests.StoreWrites;

/// <summary>
/// The write queue against storage that commits, fences, fails before the commit, faults or loses the commit's answer:
/// every request is answered with the truth, and an activation that can no longer vouch for its snapshot says so
/// (<see cref="StoreWriteQueue.LostTrack"/>) and takes no more writes.
/// </summary>
public sealed class StoreWriteQueueTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly StoreWorld _world = new();
    private readonly InMemoryStoreStorage _storage;
    private readonly StoreSnapshot _stored;

    public StoreWriteQueueTests()
    {
        _storage = new InMemoryStoreStorage(_world.Cipher);
        _stored = _world.Store(["A"]);
        _storage.Put(_stored);
    }

    [Fact]
    public async Task ACommittedBatchAnswersItsRequestsAndBecomesTheSnapshot()
    {
        var queue = await ActivateAsync();

        var answer = await queue.SubmitAsync(Create("B"));

        Assert.True(answer.Succeeded);
        Assert.Equal(answer.Value![0].Id, queue.Store.FindByName("B")!.Id);
        Assert.Equal(2, queue.Store.Row!.Version);
        Assert.Equal(2, _storage.VersionOf(_stored.StoreId));
        Assert.Equal("B", Assert.Single(_storage.Trail).SecretName);
    }

    [Fact]
    public async Task RequestsArrivingWhileACommitIsInFlightShareTheNextOneUpToTheLimit()
    {
        var queue = await ActivateAsync(maxPerCommit: 2);
        var gate = _storage.Hold();
        var answers = new List<Task<Outcome<IReadOnlyList<SecretView>>>> { queue.SubmitAsync(Create("B")) };

        answers.AddRange(new[] { "C", "D", "E" }.Select(name => queue.SubmitAsync(Create(name))));
        gate.SetResult();

        Assert.All(await Task.WhenAll(answers).WaitAsync(Patience), answer => Assert.True(answer.Succeeded));
        Assert.Equal([1, 2, 1], _storage.Batches.Select(b => b.Commands.Count));
        Assert.Equal(["A", "B", "C", "D", "E"], (await _storage.LoadAsync(_stored.StoreId, default)).Secrets.Select(s => s.Name).Order());
    }

    [Fact]
    public async Task AFencedCommitFailsItsBatchAndEverythingWaitingAndTheActivationLosesTrack()
    {
        var (current, stale) = (await ActivateAsync(), await ActivateAsync());
        Assert.True((await current.SubmitAsync(Create("B"))).Succeeded);
        var lost = Watch(stale);
        var gate = _storage.Hold();

        var inFlight = stale.SubmitAsync(Create("C"));
        var waiting = stale.SubmitAsync(Create("D"));
        gate.SetResult();

        await Assert.ThrowsAsync<StorageUnavailableException>(() => inFlight.WaitAsync(Patience));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => waiting.WaitAsync(Patience));
        await lost.Raised.WaitAsync(Patience);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => stale.SubmitAsync(Create("E")));
        Assert.Equal(1, lost.Count);
        Assert.Equal(2, _storage.Batches.Count);
        Assert.Equal(["A", "B"], (await _storage.LoadAsync(_stored.StoreId, default)).Secrets.Select(s => s.Name).Order());
    }

    [Fact]
    public async Task ACommitThatFailedBeforeCommittingFailsOnlyItsBatchAndTheQueueCarriesOn()
    {
        var queue = await ActivateAsync();
        var lost = Watch(queue);
        _storage.FailNext(Fault.NotCommitted);

        await Assert.ThrowsAsync<StorageUnavailableException>(() => queue.SubmitAsync(Create("B")));
        Assert.Null(queue.Store.FindByName("B"));
        Assert.Equal(1, queue.Store.Row!.Version);
        await AssertCarriesOnAsync(queue, lost);
    }

    [Fact]
    public async Task APlanThatThrowsAnswersAnInternalErrorAndTheQueueCarriesOn()
    {
        var queue = await ActivateAsync();
        var lost = Watch(queue);

        var fault = await Assert.ThrowsAsync<InvalidOperationException>(() => queue.SubmitAsync(new ThrowingCommand(_world.Call())));

        Assert.Equal("internal_error", fault.Message);
        await AssertCarriesOnAsync(queue, lost);
    }

    [Fact]
    public async Task ACommitInDoubtThatLandedIsAnsweredUnavailableAndItsRepeatIsAnsweredFromWhatLanded()
    {
        var queue = await ActivateAsync();
        var lost = Watch(queue);
        _storage.FailNext(Fault.InDoubtLanded);

        await Assert.ThrowsAsync<StorageUnavailableException>(() => queue.SubmitAsync(Create("B", "req-1")));
        await lost.Raised.WaitAsync(Patience);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => queue.SubmitAsync(Create("C")));

        var next = await ActivateAsync();
        var created = next.Store.FindByName("B")!;
        var repeat = await next.SubmitOnceAsync(Repeat("req-1"), Create("B", "req-1"), FromFirstRun(next));
        Assert.Equal(created.Id, Assert.Single(repeat.Value!).Id);
        Assert.Single(_storage.Batches);
    }

    [Fact]
    public async Task ACommitInDoubtThatDidNotLandLeavesNothingAndItsRepeatRunsAgain()
    {
        var queue = await ActivateAsync();
        var lost = Watch(queue);
        _storage.FailNext(Fault.InDoubtLost);

        await Assert.ThrowsAsync<StorageUnavailableException>(() => queue.SubmitAsync(Create("B", "req-1")));
        await lost.Raised.WaitAsync(Patience);

        var next = await ActivateAsync();
        Assert.Null(next.Store.FindByName("B"));
        var repeat = await next.SubmitOnceAsync(Repeat("req-1"), Create("B", "req-1"), FromFirstRun(next));
        Assert.Equal(next.Store.FindByName("B")!.Id, Assert.Single(repeat.Value!).Id);
        Assert.Equal(2, _storage.Batches.Count);
    }

    [Fact]
    public async Task ARepeatWhoseFirstRunCannotBeLookedUpIsAnsweredUnavailableAndRunsNothing()
    {
        var queue = await ActivateAsync();
        _storage.LookupsFail = true;

        await Assert.ThrowsAsync<StorageUnavailableException>(() => queue.SubmitOnceAsync(Repeat("req-1"), Create("B", "req-1"), FromFirstRun(queue)));

        Assert.Empty(_storage.Batches);
    }

    [Fact]
    public async Task AFirstRunNeverLooksForAnEarlierOne()
    {
        var queue = await ActivateAsync();
        _storage.LookupsFail = true;

        var answer = await queue.SubmitOnceAsync(Sent("req-1"), Create("B", "req-1"), FromFirstRun(queue));

        Assert.True(answer.Succeeded);
    }

    [Fact]
    public async Task AStorageThatThrowsFailsTheBatchInFlightAndWhatWaitsAndTheActivationLosesTrack()
    {
        var queue = await ActivateAsync();
        var lost = Watch(queue);
        _storage.FailNext(Fault.Throws);
        var gate = _storage.Hold();

        var inFlight = queue.SubmitAsync(Create("B"));
        var waiting = queue.SubmitAsync(Create("C"));
        gate.SetResult();

        Assert.Equal("internal_error", (await Assert.ThrowsAsync<InvalidOperationException>(() => inFlight.WaitAsync(Patience))).Message);
        Assert.Equal("internal_error", (await Assert.ThrowsAsync<InvalidOperationException>(() => waiting.WaitAsync(Patience))).Message);
        await lost.Raised.WaitAsync(Patience);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => queue.SubmitAsync(Create("D")));
    }

    private async Task<StoreWriteQueue> ActivateAsync(int maxPerCommit = 10)
    {
        var queue = new StoreWriteQueue(_storage, maxPerCommit, NullLogger.Instance);
        queue.Load(await _storage.LoadAsync(_stored.StoreId, default));
        return queue;
    }

    /// <summary>The queue never said it lost track, and its next write commits on the version storage holds.</summary>
    private async Task AssertCarriesOnAsync(StoreWriteQueue queue, LostTrackWatch lost)
    {
        Assert.True((await queue.SubmitAsync(Create("B"))).Succeeded);
        Assert.Equal(0, lost.Count);
        Assert.Equal(2, _storage.VersionOf(_stored.StoreId));
    }

    private CreateSecretsCommand Create(string name, string requestId = "") =>
        new(Sent(requestId), StoreWorld.NewSecrets(_stored, name));

    private AuditedCall Repeat(string requestId) => Sent(requestId, attempt: 2);

    /// <summary>A call of the writer, carrying the audited request <paramref name="requestId"/> (none when empty) as the gateway sends it.</summary>
    private AuditedCall Sent(string requestId, int attempt = 1) => _world.Call() with
    {
        Request = requestId.Length == 0 ? null
            : new AuditedRequest(requestId, attempt, StoreWorld.Writer.PrincipalId, _world.AccountId, AuditActions.SecretCreate, StoreWorld.Now),
    };

    /// <summary>As the grain answers a repeated create: the secrets the first run's records name, as the store holds them now.</summary>
    private static Func<IReadOnlyList<CommittedRecord>, Outcome<IReadOnlyList<SecretView>>> FromFirstRun(StoreWriteQueue queue) =>
        firstRun => firstRun.Select(r => queue.Store.Find(r.SecretId!.Value)!.ToView(queue.Store.StoreId)).ToList();

    private static LostTrackWatch Watch(StoreWriteQueue queue)
    {
        var watch = new LostTrackWatch();
        queue.LostTrack += watch.OnLostTrack;
        return watch;
    }

    private sealed class LostTrackWatch
    {
        private readonly TaskCompletionSource _raised = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _count;

        public Task Raised => _raised.Task;

        public int Count => Volatile.Read(ref _count);

        public void OnLostTrack()
        {
            Interlocked.Increment(ref _count);
            _raised.TrySetResult();
        }
    }

    /// <summary>A command whose planning throws: a bug, which fails its batch, not the queue.</summary>
    private sealed class ThrowingCommand(AuditedCall audit) : StoreCommand<Done>(audit)
    {
        protected override Outcome<Done> Decide(StoreDraft draft) => throw new InvalidOperationException("a bug in planning");
    }
}
