
namespace SecretsStore.Api.Wire;

/// <summary>
/// Builds every response the API gives, so the envelope and its headers are right in one place. Handlers answer with
/// the typed answers (<see cref="Answer{T}"/>, <see cref="ListAnswer{T}"/>, <see cref="AcceptedAnswer"/>), which document
/// their routes; filters and middleware, which answer for any route, with a plain <see cref="EnvelopeResult"/>.
/// </summary>
public static class ApiResults
{
    // One instance: it carries no per-request state, and every successful delete answers with it.
    private static readonly Answer<object> NothingToReturn = Answer<object>.Ok(null);

    public static Answer<T> Ok<T>(T result) => Answer<T>.Ok(result);

    /// <summary>A change whose answer carries no result: <c>"result": null</c>.</summary>
    public static Answer<object> Done() => NothingToReturn;

    /// <summary>A delete taken on: 202 and <c>"result": null</c>.</summary>
    public static AcceptedAnswer Accepted() => AcceptedAnswer.Instance;

    public static ListAnswer<TDto> List<TView, TDto>(Page<TView> page, Func<TView, TDto> toDto) => ListAnswer<TDto>.Of(page, toDto);

    /// <summary>
    /// The answer to a grain outcome: the mapped value, or the refusal in the same answer type, marked as recorded: a
    /// grain records every refusal of an audited call itself. Answer a grain's refusal only through here; a refusal
    /// converted on its own is the gateway's, which the audited routes record.
    /// </summary>
    /// <remarks>
    /// A keyed write's replayed outcome renders as its first answer did; whether it was replayed or kept is noted for the
    /// Idempotency-Key filter (<see cref="Idempotency.KeyedOutcome"/>).
    /// </remarks>
    public static TAnswer From<T, TAnswer>(Outcome<T> outcome, Func<T, TAnswer> onSuccess) where TAnswer : EnvelopeResult, IEnvelopeAnswer<TAnswer>
    {
        if (outcome.Replayed || outcome.Kept)
        {
            Idempotency.KeyedOutcome.Note(outcome);
        }

        return outcome.Succeeded ? onSuccess(outcome.Value) : EnvelopeResult.RecordedRefusal(TAnswer.Refuse(outcome.Error));
    }

    /// <summary>A refusal, for code that answers for any route; handlers convert the refusal into their own answer type.</summary>
    public static EnvelopeResult Error(StoreError error) => new(ErrorEnvelopeOf(error), error.Wire.Status, refusal: error);

    /// <summary>The failure envelope of a refusal: its code, its message, and the offending field when there is one.</summary>
    public static ErrorEnvelope ErrorEnvelopeOf(StoreError error) =>
        new(false, [new ErrorItem(error.Wire.Code, error.Message, error.Pointer is null ? null : new ErrorSource(error.Pointer))], [], null);

    public static EnvelopeResult NoRoute() => Error(GatewayErrors.NoRoute());
    public static EnvelopeResult MethodNotAllowed() => Error(GatewayErrors.MethodNotAllowed());

    /// <summary>403 code 9109; <paramref name="refusal"/> says which mistake it was (see <see cref="Errors.Forbidden"/>).</summary>
    public static EnvelopeResult Unauthorized(StoreError refusal) => Error(refusal);

    public static EnvelopeResult TooManyRequests(int retryAfterSeconds) =>
        new(ErrorEnvelopeOf(GatewayErrors.TooManyRequests()), StatusCodes.Status429TooManyRequests, retryAfterSeconds, GatewayErrors.TooManyRequests());

    public static EnvelopeResult InternalError() => Error(GatewayErrors.InternalError());
    public static EnvelopeResult Unavailable() => Error(GatewayErrors.Unavailable());
}
