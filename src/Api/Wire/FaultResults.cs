using SecretsStore.Persistence;

namespace SecretsStore.Api.Wire;

/// <summary>
/// The answer to an exception: 503 when storage or the cluster could not be reached (the write did not happen,
/// or happened whole), 413/400 for a request Kestrel refused, else 500. Never the exception's text.
/// </summary>
public static class FaultResults
{
    public static EnvelopeResult For(Exception? fault) => fault switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => ApiResults.Error(GatewayErrors.BodyTooLarge()),
        BadHttpRequestException => ApiResults.Error(Errors.InvalidJsonBody()),
        _ when IsUnavailable(fault) => ApiResults.Unavailable(),
        _ => ApiResults.InternalError(),
    };

    public static bool IsUnavailable(Exception? fault) => fault switch
    {
        null => false,
        StorageUnavailableException or TimeoutException or OrleansException or SiloUnavailableException => true,
        _ when DatabaseFaults.IsOutage(fault) => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsUnavailable),
        _ => IsUnavailable(fault.InnerException),
    };
}
