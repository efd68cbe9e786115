using Microsoft.Extensions.DependencyInjection;

namespace SecretsStore.Api.Audit;

/// <summary>
/// The one place the gateway records its refusals on an audited route: it wraps the route's whole pipeline, access
/// filters included, and appends the refusal its answer carries before the answer goes out. A handler or filter refuses
/// by answering (<c>return GatewayErrors.ServiceNotFound();</c>) and cannot forget the record. Not recorded again: the
/// refusals a grain recorded with its decision (<see cref="EnvelopeResult.RecordedByGrain"/>), and allowed answers,
/// whose records commit with their changes. Not recorded at all: a refusal before the principal is known (no
/// <see cref="AuditScope"/>: bad account id, missing or unknown credentials), throttling (under load it would only add
/// writes to the trail's database, and it says nothing about what the principal did), and the answers to our own faults.
/// A refusal whose record cannot be written is not answered: the append's failure answers 503, as for any audited answer.
/// </summary>
public sealed class AuditedRefusals(AuditLog trail, TimeProvider clock) : IEndpointFilter
{
    /// <remarks>Not async: an answer that needs no record is handed back as it came.</remarks>
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var answering = next(context);
        if (!answering.IsCompletedSuccessfully)
        {
            return RecordAfterAsync(answering, context.HttpContext);
        }

        var answer = answering.Result;
        return ToRecord(context.HttpContext, answer) is { } record ? RecordAsync(record, answer) : new(answer);
    }

    private async ValueTask<object?> RecordAfterAsync(ValueTask<object?> answering, HttpContext http)
    {
        var answer = await answering;
        if (ToRecord(http, answer) is { } record)
        {
            await trail.AppendAsync(record);
        }

        return answer;
    }

    private async ValueTask<object?> RecordAsync(AuditRecord record, object? answer)
    {
        await trail.AppendAsync(record);
        return answer;
    }

    private AuditRecord? ToRecord(HttpContext http, object? answer) =>
        answer is EnvelopeResult { Refusal: { } refusal, RecordedByGrain: false }
        && refusal.Kind is not (ErrorKind.Throttled or ErrorKind.Internal or ErrorKind.Unavailable)
        && AuditScope.Of(http) is { } scope
            ? scope.Record(clock.GetUtcNow().UtcDateTime, refusal, http.Features.Get<IdempotentRequest>())
            : null;

    /// <summary>Made once per audited route, from the application's services.</summary>
    internal static EndpointFilterDelegate Around(EndpointFilterFactoryContext factory, EndpointFilterDelegate next)
    {
        var services = factory.ApplicationServices;
        var filter = new AuditedRefusals(services.GetRequiredService<AuditLog>(), services.GetRequiredService<TimeProvider>());
        return context => filter.InvokeAsync(context, next);
    }
}
