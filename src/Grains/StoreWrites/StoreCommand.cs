using System.Diagnostics;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Persistence.Audit;

namespace SecretsStore.Grains.StoreWrites;

/// <summary>
/// One write request waiting to be committed with others. <see cref="Plan"/> decides its answer against the
/// store as the earlier commands of its batch left it, and records its changes in the draft; the answer is given
/// only once the batch's commit is known, so a request never hears "done" for something that did not become durable.
/// </summary>
public abstract class StoreCommand
{
    /// <summary>The trace of the request that made this command (none while tracing is off), for its commit's span.</summary>
    public ActivityContext TraceContext { get; } = Activity.Current?.Context ?? default;

    /// <summary>Runs inside the commit transaction, once per attempt; it may run on the commit writer's thread.</summary>
    public abstract void Plan(StoreDraft draft);

    /// <summary>The batch committed: answer what <see cref="Plan"/> decided.</summary>
    public abstract void Complete();

    /// <summary>The batch did not commit: answer with the fault.</summary>
    public abstract void Fail(Exception fault);

    /// <summary>The request this command serves (empty for one that is not audited).</summary>
    public abstract string RequestId { get; }

    /// <summary>Completes once the command is answered, whichever way.</summary>
    public abstract Task Settled { get; }

    /// <summary>The keyed write this command serves, if its store's grain decides its Idempotency-Key.</summary>
    public abstract KeyedWrite? Keyed { get; }
}

/// <summary>
/// A command whose answer is an <see cref="Outcome{T}"/>. Whatever it decides, allowed or refused, it leaves its audit
/// records in the draft, so the answer and its records become durable together or not at all.
/// </summary>
public abstract class StoreCommand<T>(AuditedCall audit) : StoreCommand
{
    private readonly TaskCompletionSource<Outcome<T>> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Outcome<T>? _planned;

    public Task<Outcome<T>> Answer => _answer.Task;

    protected AuditedCall Audit => audit;

    public sealed override void Plan(StoreDraft draft)
    {
        // A key that already has an answer is answered from it: the command plans, records and keeps nothing.
        if (audit.Keyed?.AnswerInRound<T>(draft) is { } earlier)
        {
            _planned = earlier;
            return;
        }

        _planned = Decide(draft);
        foreach (var record in Records(draft, _planned))
        {
            draft.Record(record);
        }

        if (audit.Keyed is { } keyed)
        {
            keyed.Keep(draft, _planned);
            _planned = _planned with { Kept = true };
        }
    }

    public sealed override void Complete() =>
        _answer.TrySetResult(_planned ?? throw new InvalidOperationException("A command was completed before it was planned."));

    public sealed override void Fail(Exception fault) => _answer.TrySetException(fault);

    public sealed override string RequestId => audit.RequestId;

    public sealed override Task Settled => _answer.Task;

    public sealed override KeyedWrite? Keyed => audit.Keyed;

    /// <summary>Checks the command against the draft; on success records its changes there, else changes nothing.</summary>
    protected abstract Outcome<T> Decide(StoreDraft draft);

    /// <summary>What the trail keeps of this command: by default one record naming the store.</summary>
    protected virtual IEnumerable<AuditRecord> Records(StoreDraft draft, Outcome<T> outcome) =>
        [audit.Record(draft.Committed, outcome.Error)];
}
