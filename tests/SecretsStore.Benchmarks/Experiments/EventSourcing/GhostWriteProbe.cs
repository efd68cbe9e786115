using System.Diagnostics;

namespace SecretsStore.Benchmarks.Experiments.EventSourcing;

/// <summary>
/// Asks the Orleans build in use, rather than its source, what the log view adaptor does with a storage write
/// that fails: is it given up (the caller hears an error and nothing lands), or kept and retried? Each probe uses a
/// store of its own and faults the shared log, so nothing else may write to the log while a probe runs.
/// </summary>
public static class GhostWriteProbe
{
    private static readonly TimeSpan CallerPatience = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);

    /// <summary>Runs each probe; answers one sentence per probe, saying what was seen.</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(IGrainFactory grains, PostgresEventLog log, Func<string, NewSealedSecret> secret)
    {
        try
        {
            return [await TimedOutCreateAsync(grains, log, secret), await UnknownOutcomeCreateAsync(grains, log, secret)];
        }
        finally
        {
            log.Fault = EventLogFault.None;
        }
    }

    /// <summary>The database is down; the caller gives up, as an HTTP handler with a deadline (or Orleans' response timeout) would.</summary>
    private static async Task<string> TimedOutCreateAsync(IGrainFactory grains, PostgresEventLog log, Func<string, NewSealedSecret> secret)
    {
        var storeId = Guid.NewGuid();
        var grain = grains.GetGrain<IEventSourcedStoreGrain>(storeId);
        await grain.CountAsync();

        log.Fault = EventLogFault.FailBeforeWrite;
        var call = grain.CreateSecretAsync(secret("ghost"));
        string callerSaw;
        try
        {
            await call.WaitAsync(CallerPatience);
            callerSaw = "success";
        }
        catch (TimeoutException)
        {
            callerSaw = $"no answer within {CallerPatience.TotalSeconds:0.0} s, so an error (TimeoutException)";
        }

        await Task.Delay(Outage - CallerPatience);
        var storedDuringOutage = await log.CountEventsAsync(storeId);
        log.Fault = EventLogFault.None;
        var healed = Stopwatch.StartNew();

        var stored = 0;
        while (stored == 0 && healed.Elapsed < Settle)
        {
            await Task.Delay(50);
            stored = await log.CountEventsAsync(storeId);
        }

        var landedAfter = healed.Elapsed;
        var abandonedCall = await AnswerOfAsync(call);
        var count = await grain.CountAsync();
        return stored > 0
            ? $"database down for {Outage.TotalSeconds:0.0} s during a create: the caller saw {callerSaw}; {storedDuringOutage} event stored "
              + $"during the outage; {landedAfter.TotalSeconds:0.0} s after the database came back the adaptor's retry stored it "
              + $"({stored} event in es_events, the grain counts {count} secret; the abandoned call itself answered {abandonedCall}). "
              + "A ghost write: a create its caller was told had failed became durable."
            : $"database down for {Outage.TotalSeconds:0.0} s during a create: the caller saw {callerSaw}, and nothing was stored "
              + $"{Settle.TotalSeconds:0} s after the database came back (abandoned call: {abandonedCall}).";
    }

    /// <summary>The commit lands but its answer is lost: does the adaptor know, or write the batch again?</summary>
    private static async Task<string> UnknownOutcomeCreateAsync(IGrainFactory grains, PostgresEventLog log, Func<string, NewSealedSecret> secret)
    {
        var storeId = Guid.NewGuid();
        var grain = grains.GetGrain<IEventSourcedStoreGrain>(storeId);
        await grain.CountAsync();

        log.Fault = EventLogFault.FailAfterCommitOnce;
        var answer = await AnswerOfAsync(grain.CreateSecretAsync(secret("twice")));
        var stored = await log.CountEventsAsync(storeId);
        return $"a create whose COMMIT landed but whose connection then dropped: the caller got {answer}, and es_events holds "
               + $"{stored} event(s) for that one create"
               + (stored > 1 ? " (the adaptor re-read the log, which already held the batch, and appended the same batch again after it)." : ".");
    }

    private static async Task<string> AnswerOfAsync(Task<Guid?> call)
    {
        try
        {
            var id = await call.WaitAsync(Settle);
            return id is null ? "\"name taken\"" : "success";
        }
        catch (Exception ex)
        {
            return ex.GetType().Name;
        }
    }
}
