
namespace SecretsStore.Api.Wire;

/// <summary>Builds every response the API gives, so the envelope and its headers are right in one place.</summary>
public static class ApiResults
{
    public static IResult Ok<T>(T result, int status = StatusCodes.Status200OK) =>
        new EnvelopeResult(new Envelope<T>(true, [], [], result), status);

    public static IResult List<TView, TDto>(Page<TView> page, Func<TView, TDto> toDto) =>
        new EnvelopeResult(
            new ListEnvelope<TDto>(true, [], [], page.Items.Select(toDto).ToList(),
                new ResultInfo(page.Number, page.PerPage, page.Items.Count, page.TotalCount, page.TotalPages)),
            StatusCodes.Status200OK);

    public static IResult Error(int status, int code, string message, string? pointer = null) =>
        new EnvelopeResult(
            new ErrorEnvelope(false, [new ErrorItem(code, message, pointer is null ? null : new ErrorSource(pointer))], [], null),
            status);

    public static IResult Error(StoreError error)
    {
        var (status, code) = error.Wire;
        return Error(status, code, error.Message, error.Pointer);
    }

    /// <summary>The answer to a grain outcome: the mapped value, or the refusal.</summary>
    public static IResult From<T>(Outcome<T> outcome, Func<T, IResult> onSuccess) =>
        outcome.Succeeded ? onSuccess(outcome.Value) : Error(outcome.Error);

    public static IResult NoRoute() => Error(404, 7000, "No route for that URI");
    public static IResult MethodNotAllowed() => Error(405, 7001, "Method not allowed");
    public static IResult MissingCredentials() => Error(400, 9106, "Missing X-Auth-Key, X-Auth-Email or Authorization headers");
    public static IResult AuthenticationError() => Error(401, 10000, "Authentication error");
    /// <summary>403 code 9109; <paramref name="refusal"/> says which mistake it was (see <see cref="Errors.Forbidden"/>).</summary>
    public static IResult Unauthorized(StoreError refusal) => Error(refusal);
    public static IResult BodyTooLarge() => Error(413, 1001, "request_body_too_large");
    public static IResult TooManyRequests(int retryAfterSeconds) =>
        new EnvelopeResult(new ErrorEnvelope(false, [new ErrorItem(971, "Please wait and consider throttling your request speed")], [], null), 429, retryAfterSeconds);

    public static IResult InternalError() => Error(500, 10001, "internal_error");
    public static IResult Unavailable() => Error(503, 10002, "service_unavailable");

    public static IResult BadAccountId(string accountId) =>
        Error(400, 7003, $"Could not route to /accounts/{accountId}, perhaps your object identifier is invalid?");
}
