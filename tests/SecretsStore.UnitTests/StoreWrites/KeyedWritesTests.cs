using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.StoreWrites;
using SecretsStore.Persistence.Audit;
using SecretsStore.Persistence.Stores;
using Fault = SecretsStore.UnitTests.StoreWrites.InMemoryStoreStorage.Fault;

namespace SecretsStore.UnitTests.StoreWrites;

/// <summary>
/// docs/api.md, "Idempotency-Key", for the writes a store's grain decides itself: a new key goes straight to the
/// commit, which keeps its sealed answer with the change; a repeat is answered from the kept answer (replayed, nothing
/// applied), another request with the key is refused, a repeat while the first is committing is in use at once, a key
/// kept by another store is answered inside the commit without applying anything, and a commit that fails keeps
/// nothing. A store that activates again remembers its keys.
/// </summary>
public sealed class KeyedWritesTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Window = TimeSpan.FromHours(24);

    private readonly StoreWorld _world = new();
    private readonly InMemoryStoreStorage _storage;
    private readonly StoreSnapshot _stored;

    public KeyedWritesTests()
    {
        _storage = new InMemoryStoreStorage(_world.Cipher);
        _stored = _world.Store(["TAKEN"]);
        _storage.Put(_stored);
    }

    [Fact]
    public async Task ANewKeyCommitsItsSealedAnswerWithItsChangeAndLooksNothingUp()
    {
        var store = await ActivateAsync(_stored);

        var answer = await store.CreateAsync("key-1", "ONE");

        Assert.True(answer.Succeeded);
        Assert.False(answer.Replayed);
        var (storeId, kept) = Assert.Single(_storage.Answers.Values);
        Assert.Equal(_stored.StoreId, storeId);
        Assert.Equal(KeyHash("key-1"), kept.KeyHash);
        Assert.Equal(KeyHash("key-1"), Assert.Single(_storage.Trail).Idempotency!.KeyHash);
        Assert.Equal(0, _storage.AnswerLookups);
        // Sealed: the plain outcome names the secret, the kept row does not.
        Assert.DoesNotContain("ONE"u8.ToArray(), Windows(kept.Sealed, 3));
    }

    [Fact]
    public async Task ARepeatIsTheFirstAnswerReplayedAndAppliesNothing()
    {
        var store = await ActivateAsync(_stored);
        var first = await store.CreateAsync("key-1", "ONE");

        var again = await store.CreateAsync("key-1", "ONE");

        Assert.True(again.Replayed);
        Assert.Equal(first.Value![0].Id, again.Value![0].Id);
        Assert.Equal(first.Value[0].Created, again.Value[0].Created);
        Assert.Single(_storage.Batches);
        Assert.Equal(["ONE", "TAKEN"], await NamesAsync(_stored));
    }

    [Fact]
    public async Task ARefusalIsKeptAndReplayedToo()
    {
        var store = await ActivateAsync(_stored);
        var first = await store.CreateAsync("key-1", "TAKEN");

        var again = await store.CreateAsync("key-1", "TAKEN");

        Assert.Equal("secret_name_already_exists", first.Error!.Token);
        Assert.Equal((first.Error, true), (again.Error, again.Replayed));
        Assert.Single(_storage.Batches);
    }

    [Fact]
    public async Task TheKeyForAnotherRequestIsRefusedAndAppliesNothing()
    {
        var store = await ActivateAsync(_stored);
        await store.CreateAsync("key-1", "ONE");

        var other = await store.CreateAsync("key-1", "TWO");

        Assert.Equal((ErrorKind.Unprocessable, KeyedWriteErrors.KeyReusedToken), (other.Error!.Kind, other.Error.Token));
        Assert.Single(_storage.Batches);
        Assert.Equal(["ONE", "TAKEN"], await NamesAsync(_stored));
    }

    [Fact]
    public async Task ARepeatWhileTheFirstIsCommittingIsInUseAtOnceAndNeverASecondChange()
    {
        var store = await ActivateAsync(_stored);
        var gate = _storage.Hold();
        var first = store.CreateAsync("key-1", "ONE");

        var repeat = await store.CreateAsync("key-1", "ONE").WaitAsync(Patience);
        gate.SetResult();

        Assert.Equal(KeyedWriteErrors.KeyInUseToken, repeat.Error!.Token);
        Assert.True((await first.WaitAsync(Patience)).Succeeded);
        Assert.Single(_storage.Batches);
        Assert.Equal(["ONE", "TAKEN"], await NamesAsync(_stored));
    }

    [Fact]
    public async Task AStoreActivatedAgainRemembersItsKeysAndReplaysFromTheKeptAnswer()
    {
        var first = await (await ActivateAsync(_stored)).CreateAsync("key-1", "ONE");

        var again = await ActivateAsync(_stored);
        var replay = await again.CreateAsync("key-1", "ONE");

        Assert.True(again.Keys.Remembers(KeyHash("key-1")));
        Assert.Equal((true, first.Value![0].Id), (replay.Replayed, replay.Value![0].Id));
        Assert.Equal(1, _storage.AnswerLookups);
        Assert.Single(_storage.Batches);
    }

    [Fact]
    public async Task AKeyKeptByAnotherStoreIsAnsweredInsideTheCommitWithoutApplyingOrRecording()
    {
        var other = _world.Store();
        _storage.Put(other);
        await (await ActivateAsync(_stored)).CreateAsync("key-1", "ONE");

        var elsewhere = await (await ActivateAsync(other)).CreateAsync("key-1", "ONE");

        // Another store's path is another request: the key is refused, its first answer stays the one kept.
        Assert.Equal(KeyedWriteErrors.KeyReusedToken, elsewhere.Error!.Token);
        Assert.Empty(await NamesAsync(other));
        Assert.Single(_storage.Trail);
        Assert.Equal(_stored.StoreId, Assert.Single(_storage.Answers.Values).StoreId);
        Assert.Equal(0, _storage.AnswerLookups);
    }

    [Fact]
    public async Task AKeySentToTwoStoresInOneRoundIsClaimedByTheFirstAndInUseForTheSecond()
    {
        var other = _world.Store();
        var round = new KeysInRound();
        var first = Create(_stored, "key-1", "ONE");
        var second = Create(other, "key-1", "ONE");

        var firstDraft = new StoreBatch(_stored, [first]).Plan(QuotaBudget.Unlimited(), round);
        var secondDraft = new StoreBatch(other, [second]).Plan(QuotaBudget.Unlimited(), round);
        first.Complete();
        second.Complete();

        Assert.True((await first.Answer).Succeeded);
        Assert.Single(firstDraft.Answers);
        Assert.Equal(KeyedWriteErrors.KeyInUseToken, (await second.Answer).Error!.Token);
        Assert.False(secondDraft.HasWork);
    }

    [Fact]
    public async Task AChangeWhoseAnswerIsLostIsRefusedNotAppliedAgain()
    {
        var store = await ActivateAsync(_stored);
        await store.CreateAsync("key-1", "ONE");
        _storage.ForgetAnswer(KeyHash("key-1"));

        var again = await store.CreateAsync("key-1", "ONE");

        Assert.Equal(KeyedWriteErrors.AnswerNotKeptToken, again.Error!.Token);
        Assert.Equal(["ONE", "TAKEN"], await NamesAsync(_stored));
    }

    [Fact]
    public async Task ACommitThatFailsKeepsNoAnswerAndTheKeyRunsOnceWhenRepeated()
    {
        var store = await ActivateAsync(_stored);
        _storage.FailNext(Fault.NotCommitted);

        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.CreateAsync("key-1", "ONE"));
        Assert.Empty(_storage.Answers);
        var repeat = await store.CreateAsync("key-1", "ONE");

        Assert.Equal((true, false), (repeat.Succeeded, repeat.Replayed));
        Assert.Single(_storage.Answers);
        Assert.Equal(["ONE", "TAKEN"], await NamesAsync(_stored));
    }

    [Fact]
    public void AKeptOutcomeOpensOnlyWithItsKeyAndRequest()
    {
        var view = new SecretView(Guid.NewGuid(), "ONE", Guid.NewGuid(), StoreWorld.Now, StoreWorld.Now.AddTicks(10), "active", null, ["workers"]);
        Outcome<IReadOnlyList<SecretView>> outcome = new List<SecretView> { view };
        var sealedAnswer = KeptOutcome.Seal(AnswerKey("key-1"), RequestHash("key-1", "ONE"), outcome);

        var opened = KeptOutcome.Open<IReadOnlyList<SecretView>>(AnswerKey("key-1"), RequestHash("key-1", "ONE"), sealedAnswer);

        var back = Assert.Single(opened.Value!);
        Assert.Equal((view.Id, view.Name, view.Modified, DateTimeKind.Utc), (back.Id, back.Name, back.Modified, back.Modified.Kind));
        Assert.Equal(view.Scopes, back.Scopes);
        Assert.Throws<InvalidOperationException>(() => KeptOutcome.Open<IReadOnlyList<SecretView>>(AnswerKey("key-2"), RequestHash("key-1", "ONE"), sealedAnswer));
        Assert.Throws<InvalidOperationException>(() => KeptOutcome.Open<IReadOnlyList<SecretView>>(AnswerKey("key-1"), RequestHash("key-1", "TWO"), sealedAnswer));
    }

    private static byte[] KeyHash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes($"token:writer\0{key}"));

    private static byte[] RequestHash(string key, string name) => SHA256.HashData(Encoding.UTF8.GetBytes($"{key}\0POST\0{name}"));

    private static byte[] AnswerKey(string key) => SHA256.HashData(Encoding.UTF8.GetBytes($"answer\0{key}"));

    private static IEnumerable<byte[]> Windows(byte[] bytes, int length) =>
        Enumerable.Range(0, Math.Max(0, bytes.Length - length + 1)).Select(i => bytes.AsSpan(i, length).ToArray());

    /// <summary>A keyed create as the grain submits one: the call carries the gateway's hashes and the answer's key.</summary>
    private CreateSecretsCommand Create(StoreSnapshot store, string key, string name)
    {
        // The path names the store, so the same body sent to another store is another request.
        var request = new IdempotentRequest(KeyHash(key), RequestHash(key, $"{store.StoreId:N}/{name}"));
        var call = _world.Call() with { Idempotency = request };
        call = call with { Keyed = new KeyedWrite(request, new KeyedStoreWrite(AnswerKey(key), Window), call.At) };
        return new CreateSecretsCommand(call, StoreWorld.NewSecrets(store, name));
    }

    private async Task<List<string>> NamesAsync(StoreSnapshot store) =>
        (await _storage.LoadAsync(store.StoreId, default)).Secrets.Select(s => s.Name).Order().ToList();

    private async Task<Activation> ActivateAsync(StoreSnapshot store)
    {
        var queue = new StoreWriteQueue(_storage, 10, NullLogger.Instance);
        queue.Load(await _storage.LoadAsync(store.StoreId, default));
        var keys = new KeyedWrites(_storage, NullLogger.Instance);
        keys.Load(await _storage.RecentKeysAsync(store.StoreId, KeyedWrites.Remembered, default));
        return new Activation(this, queue, keys);
    }

    /// <summary>One activation of a store grain: its write queue and its memory of keys, as the grain holds them.</summary>
    private sealed record Activation(KeyedWritesTests Tests, StoreWriteQueue Queue, KeyedWrites Keys)
    {
        public Task<Outcome<IReadOnlyList<SecretView>>> CreateAsync(string key, string name)
        {
            var command = Tests.Create(Queue.Store, key, name);
            return Keys.SubmitAsync(command.Keyed!, () => Queue.SubmitAsync(command));
        }
    }
}
