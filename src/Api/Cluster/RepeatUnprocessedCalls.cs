using System.Collections.Concurrent;
using System.Reflection;
using SecretsStore.Grains.Abstractions;

namespace SecretsStore.Api.Cluster;

/// <summary>
/// Repeats, once, a gateway's grain call that failed only because a silo was stopping or gone, so a rolling restart
/// costs clients nothing. A call is repeated only where it provably had no effect:
/// <list type="bullet">
/// <item>Orleans rejected it before it reached the grain: a rejection, a busy gateway, or a silo that refused to place
/// or address it because it is shutting down or known dead. The grain never ran, so running it now is the first time.</item>
/// <item>or the method only reads (<see cref="OnlyReadsAttribute"/>): then even a call whose silo died while it was
/// pending, which may or may not have run, changes nothing by running again.</item>
/// </list>
/// Any other failure, a write whose silo died mid-call above all, is answered as it is (503): repeating it could
/// apply it twice.
/// </summary>
public sealed class RepeatUnprocessedCalls : IOutgoingGrainCallFilter
{
    /// <summary>Time for membership and the grain directory to move off the stopping silo before the second try.</summary>
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(200);

    private static readonly ConcurrentDictionary<MethodInfo, bool> OnlyReads = new();

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
        if (context.Response?.Exception is { } failure && (ProvablyNotRun(failure) || (IsSiloGone(failure) && MethodOnlyReads(context))))
        {
            await Task.Delay(Pause);
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

    private static bool MethodOnlyReads(IOutgoingGrainCallContext context) =>
        OnlyReads.GetOrAdd(context.InterfaceMethod, static method => method.IsDefined(typeof(OnlyReadsAttribute), inherit: false));
}
