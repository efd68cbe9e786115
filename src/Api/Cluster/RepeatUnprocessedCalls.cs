using System.Collections.Concurrent;
using System.Reflection;

namespace SecretsStore.Api.Cluster;

/// <summary>
/// Repeats a gateway's grain call that failed only because a silo was stopping or gone, so a rolling restart costs
/// clients nothing. A call is repeated only where running it again cannot apply it twice:
/// <list type="bullet">
/// <item>Orleans rejected it before it reached the grain: a rejection, a busy gateway, or a silo that refused to place
/// or address it because it is shutting down or known dead. The grain never ran, so running it now is the first time.</item>
/// <item>or the method only reads (<see cref="OnlyReadsAttribute"/>): then even a call whose silo died while it was
/// pending, which may or may not have run, changes nothing by running again.</item>
/// <item>or the method is <see cref="AnsweredOnceAttribute"/> and the call names its request: it is repeated marked
/// <see cref="Caller.Repeated"/>, and the grain answers from what the first run committed instead of running again.
/// This is what a graceful stop needs: Orleans fails the calls still pending to a silo the moment it is declared dead,
/// although the silo finished them (and committed them) before it left.</item>
/// </list>
/// A store write that failed on storage (<see cref="StorageUnavailableException"/>) is repeated once the same way: its
/// activation was fenced out by another one, or lost track of a commit, and reloads; a repeat either finds the commit
/// or runs on the reloaded store. While PostgreSQL is really down the repeat fails too, 0.2 s later, and is answered.
/// Any other failure is answered as it is (503). A call is tried at most <see cref="MaxAttempts"/> times.
/// </summary>
public sealed class RepeatUnprocessedCalls : IOutgoingGrainCallFilter
{
    /// <summary>Time for membership and the grain directory to move off the stopping silo before a repeat.</summary>
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// A stopping silo keeps refusing calls to the grains it is still deactivating for up to a second or two under
    /// load; the pauses grow (0.2, 0.4, 0.6, 0.8 s) to outlast that.
    /// </summary>
    private const int MaxAttempts = 5;


    public Task Invoke(IOutgoingGrainCallContext context)
    {
        // Calls between grains keep Orleans' own semantics; this is for requests coming in through the gateway.
        if (context.SourceContext is not null)
        {
            return context.Invoke();
        }

        var first = context.Invoke();
        return first.IsCompletedSuccessfully && context.Response?.Exception is null ? first : RepeatIfUnprocessedAsync(first, context);
    }

    private static async Task RepeatIfUnprocessedAsync(Task first, IOutgoingGrainCallContext context)
    {
        await first;
        for (var attempt = 1; attempt < MaxAttempts && context.Response?.Exception is { } failure; attempt++)
        {
            var repeatable = ProvablyNotRun(failure)
                || (IsSiloGone(failure) && (MethodOnlyReads(context) || MarkRepeated(context)))
                || (attempt == 1 && failure is StorageUnavailableException && MarkRepeated(context));
            if (!repeatable)
            {
                return;
            }

            await Task.Delay(Pause * attempt);
            await context.Invoke();
        }
    }

    /// <summary>Failures Orleans reports only for a message it did not deliver to the grain.</summary>
    public static bool ProvablyNotRun(Exception failure) => failure switch
    {
        // A SiloUnavailableException (a kind of rejection) also reports a silo that died while the call was pending,
        // which proves nothing. Only the texts Orleans uses when it refuses a message up front are taken: a silo that
        // is shutting down refuses to place it ("Silo '…' is shutting down."), and a target already known dead, or a
        // connection that failed before the message went out, is answered with the default text ("Silo
        // unavailable"). Should Orleans reword them, calls are simply no longer repeated.
        SiloUnavailableException silo => silo.Message.EndsWith(" is shutting down.", StringComparison.Ordinal)
            || silo.Message.Equals("Silo unavailable", StringComparison.Ordinal),
        // Built only from a rejection response or before sending: the message was not processed.
        GatewayTooBusyException or OrleansMessageRejectionException => true,
        _ => false,
    };

    private static bool IsSiloGone(Exception failure) => failure is SiloUnavailableException;

    private static bool MethodOnlyReads(IOutgoingGrainCallContext context) => Marked<OnlyReadsAttribute>.On(context.InterfaceMethod);

    /// <summary>Marks the call's caller as repeating its request, where the method and the call allow it.</summary>
    private static bool MarkRepeated(IOutgoingGrainCallContext context)
    {
        if (!Marked<AnsweredOnceAttribute>.On(context.InterfaceMethod)
            || context.Request.GetArgument(0) is not Caller { RequestId.Length: > 0 } caller)
        {
            return false;
        }

        context.Request.SetArgument(0, caller with { Repeated = true });
        return true;
    }

    /// <summary>Whether a grain method carries the mark, looked up once per method.</summary>
    private static class Marked<TAttribute>
        where TAttribute : Attribute
    {
        private static readonly ConcurrentDictionary<MethodInfo, bool> Methods = new();

        public static bool On(MethodInfo method) =>
            Methods.GetOrAdd(method, static m => m.IsDefined(typeof(TAttribute), inherit: false));
    }
}
