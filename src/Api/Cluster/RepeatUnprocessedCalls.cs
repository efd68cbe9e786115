using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;

namespace SecretsStore.Api.Cluster;

/// <summary>
/// Answers a gateway's grain call that failed only because a silo was stopping or gone with what the call really did,
/// so a rolling restart or a dead silo costs clients nothing, and a write that committed is never answered with an
/// error. A call is sent again only where that cannot apply it twice:
/// <list type="bullet">
/// <item>Orleans rejected it before it reached the grain (<see cref="LostCall.NotRun"/>): the grain never ran, so
/// running it now is the first time.</item>
/// <item>Its answer was lost (<see cref="LostCall.AnswerLost"/>): its silo died or stopped while it was pending, or no
/// answer came within the response timeout (an Orleans client never fails a call pending on a silo that died). Then
/// a method that only reads (<see cref="OnlyReadsAttribute"/>) is simply run again, and a method that is
/// <see cref="AnsweredOnceAttribute"/> is sent again as a repeat (<see cref="AuditedRequest.Repeats"/>): the grain
/// resolves the outcome by request id, answering from what the first run committed, and runs it only if it committed
/// nothing.</item>
/// <item>A store write failed on storage (<see cref="LostCall.StorageRefused"/>): its activation was fenced out by
/// another one, or lost track of a commit, and reloads. It is sent again as a repeat, at most twice: the repeat either
/// finds the commit or runs on the reloaded store. While PostgreSQL is really down the repeats fail too, and 503 is
/// answered.</item>
/// </list>
/// Repeats go on, with pauses growing to a second, until the call is answered or <see cref="Budget"/> has passed since
/// it was first sent: enough to outlast a dead silo being declared dead (three missed probes of two seconds) and the
/// membership and directory moving off it. A lost answer is always resolved at least once, however late it came. Any
/// other failure, or one that outlasts the budget, is answered as it is (503): a write whose outcome is still unknown
/// then is one that neither its silo nor a repeat could settle.
/// <para>
/// A repeat is marked in Orleans' request context, not in the call's arguments: before sending the call again, the
/// filter sets the request's <see cref="AuditedRequest"/> with the number of that send as its attempt. Orleans builds a
/// new message on every <see cref="IOutgoingGrainCallContext.Invoke"/> that reaches the end of the filter chain, and
/// copies the request context into it there, from the flow that invoked it (<c>OutgoingCallInvoker.Invoke</c> calls
/// <c>SendRequest</c>, whose <c>MessageFactory.CreateMessage</c> exports <c>RequestContext</c>): so the repeat carries
/// what was set here, while the handler's own flow, outside this async method, keeps the first attempt.
/// </para>
/// </summary>
public sealed partial class RepeatUnprocessedCalls(ILogger<RepeatUnprocessedCalls> logger) : IOutgoingGrainCallFilter
{
    /// <summary>How long after the first send a failed call is still sent again.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);

    /// <summary>The first pause; each next one is this much longer, up to <see cref="LongestPause"/>.</summary>
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(200);

    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(1);

    /// <summary>Repeats after a storage failure: one finds what an unknown commit did, a second outlasts a reload fenced by it.</summary>
    private const int StorageRepeats = 2;

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        // Calls between grains keep Orleans' own semantics, and so do the runtime's own calls (a directory lookup made
        // on the way to a grain has its own retries); this is for the gateway's calls to the store's grains.
        if (context.SourceContext is not null || !OwnGrain(context.InterfaceMethod))
        {
            return context.Invoke();
        }

        var started = Stopwatch.GetTimestamp();
        var first = context.Invoke();
        return first.IsCompletedSuccessfully && context.Response?.Exception is null ? first : ResolveAsync(first, context, started);
    }

    private async Task ResolveAsync(Task first, IOutgoingGrainCallContext context, long started)
    {
        var storageRepeats = 0;
        var lostAnswers = 0;
        var resolvable = ResolvedByRequestId(context);
        var repeating = false;
        var call = first;
        for (var attempt = 1; await FailureOfAsync(call, context) is { } failure; attempt++)
        {
            var kind = Classify(failure.SourceException);
            lostAnswers += kind == LostCall.AnswerLost ? 1 : 0;
            storageRepeats += kind == LostCall.StorageRefused ? 1 : 0;
            var repeatable = kind switch
            {
                LostCall.NotRun => true,
                LostCall.AnswerLost => MethodOnlyReads(context) || resolvable,
                LostCall.StorageRefused => storageRepeats <= StorageRepeats && resolvable,
                _ => false,
            };
            // Once a send may have run, every later send is a repeat (a read is simply run again).
            repeating |= resolvable && (kind == LostCall.StorageRefused || (kind == LostCall.AnswerLost && !MethodOnlyReads(context)));
            var pause = Pause * Math.Min(attempt, LongestPause / Pause);
            var elapsed = Stopwatch.GetElapsedTime(started);
            // The first lost answer is resolved whatever the time: answering it unresolved would be a guess.
            var inBudget = elapsed + pause < Budget || (kind == LostCall.AnswerLost && lostAnswers == 1);
            if (!repeatable || !inBudget)
            {
                if (repeatable || attempt > 1)
                {
                    GaveUp(logger, context.InterfaceMethod.Name, attempt, elapsed.TotalSeconds, failure.SourceException.GetType().Name, failure.SourceException.Message);
                }

                // Answered as Orleans gave it: thrown, or in the response.
                if (!call.IsCompletedSuccessfully)
                {
                    failure.Throw();
                }

                return;
            }

            await Task.Delay(pause);
            if (repeating)
            {
                // Set in this async method's own flow, which sends the call: the handler's flow keeps the first attempt.
                (AuditedRequest.Current! with { Attempt = attempt + 1 }).Enter();
            }

            call = context.Invoke();
        }
    }

    /// <summary>
    /// How a call failed, if it did: Orleans reports a grain's exception in the response, and a call it could not
    /// complete (a rejection, a timeout) by throwing.
    /// </summary>
    private static async Task<ExceptionDispatchInfo?> FailureOfAsync(Task call, IOutgoingGrainCallContext context)
    {
        try
        {
            await call;
        }
        catch (Exception thrown)
        {
            return ExceptionDispatchInfo.Capture(thrown);
        }

        return context.Response?.Exception is { } answered ? ExceptionDispatchInfo.Capture(answered) : null;
    }

    /// <summary>What a failed grain call tells about whether it ran.</summary>
    public static LostCall Classify(Exception failure) => failure switch
    {
        _ when ProvablyNotRun(failure) => LostCall.NotRun,
        SiloUnavailableException or TimeoutException => LostCall.AnswerLost,
        StorageUnavailableException => LostCall.StorageRefused,
        _ => LostCall.Answered,
    };

    /// <summary>Failures Orleans reports only for a message it did not deliver to the grain.</summary>
    public static bool ProvablyNotRun(Exception failure) => failure switch
    {
        // A SiloUnavailableException (a kind of rejection) also reports a silo that died while the call was pending,
        // which proves nothing. Only the texts Orleans uses when it refuses a message up front are taken: a silo that
        // is shutting down refuses to place it ("Silo '…' is shutting down."), and a target already known dead, or a
        // connection that failed before the message went out, is answered with the default text ("Silo
        // unavailable"). Should Orleans reword them, they are taken as lost answers and resolved by request id.
        SiloUnavailableException silo => silo.Message.EndsWith(" is shutting down.", StringComparison.Ordinal)
            || silo.Message.Equals("Silo unavailable", StringComparison.Ordinal),
        // Built only from a rejection response or before sending: the message was not processed.
        GatewayTooBusyException or OrleansMessageRejectionException => true,
        _ => false,
    };

    /// <summary>Whether the method belongs to one of the store's grain interfaces (they live beside <see cref="Caller"/>).</summary>
    private static bool OwnGrain(MethodInfo method) => method.DeclaringType?.Assembly == typeof(Caller).Assembly;

    private static bool MethodOnlyReads(IOutgoingGrainCallContext context) => Marked<OnlyReadsAttribute>.On(context.InterfaceMethod);

    /// <summary>
    /// Whether a repeat of the call can be resolved by its request id: the method is answered once per request, and the
    /// call carries its audited request.
    /// </summary>
    private static bool ResolvedByRequestId(IOutgoingGrainCallContext context) =>
        Marked<AnsweredOnceAttribute>.On(context.InterfaceMethod) && AuditedRequest.Current is { RequestId.Length: > 0 };

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "A grain call {Method} was answered with its failure after {Attempts} attempts in {Seconds:0.0} s: {Fault}: {FaultMessage}")]
    private static partial void GaveUp(ILogger logger, string method, int attempts, double seconds, string fault, string faultMessage);

    /// <summary>Whether a grain method carries the mark, looked up once per method.</summary>
    private static class Marked<TAttribute>
        where TAttribute : Attribute
    {
        private static readonly ConcurrentDictionary<MethodInfo, bool> Methods = new();

        public static bool On(MethodInfo method) =>
            Methods.GetOrAdd(method, static m => m.IsDefined(typeof(TAttribute), inherit: false));
    }
}

/// <summary>What a failed grain call tells about whether it ran.</summary>
public enum LostCall
{
    /// <summary>It was answered: the failure is its answer (a refusal, a bug), and sending it again changes nothing.</summary>
    Answered = 0,

    /// <summary>Orleans refused it before it reached the grain: it never ran.</summary>
    NotRun = 1,

    /// <summary>Its silo went away, or no answer came in time: it may or may not have run.</summary>
    AnswerLost = 2,

    /// <summary>A store write failed on storage: it did not commit, or its activation lost track of whether it did.</summary>
    StorageRefused = 3,
}
