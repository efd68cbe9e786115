namespace SecretsStore.Grains.Abstractions;

/// <summary>
/// The families of refusal a grain or the gateway can answer with; each maps to one HTTP status and code. The kinds
/// after <see cref="Forbidden"/> are the gateway's own (credentials, routing, limits, faults, in its <c>GatewayErrors</c>):
/// no grain gives them, but they are here so that every refusal is one <see cref="StoreError"/> with one mapping to the wire.
/// </summary>
public enum ErrorKind
{
    /// <summary>Bad input: 400, code 1001.</summary>
    Validation = 0,

    /// <summary>Store or secret not found (or not visible to the caller): 404, code 1001.</summary>
    NotFound = 1,

    /// <summary>Name already used, or store not empty: 409, code 1003.</summary>
    Conflict = 2,

    /// <summary>Quota would be exceeded: 400, code 1003.</summary>
    QuotaExceeded = 3,

    /// <summary>An account principal changing a store a service manages: 403, code 1002.</summary>
    ManagedByService = 4,

    /// <summary>The principal may not do this at all: 403, code 9109.</summary>
    Forbidden = 5,

    /// <summary>No credentials at all: 400, code 9106.</summary>
    MissingCredentials = 6,

    /// <summary>Credentials that name no principal: 401, code 10000.</summary>
    Unauthenticated = 7,

    /// <summary>A request body over the limit: 413, code 1001.</summary>
    BodyTooLarge = 8,

    /// <summary>An account id in the path that cannot be one: 400, code 7003.</summary>
    UnroutableAccount = 9,

    /// <summary>No route for the path: 404, code 7000.</summary>
    NoRoute = 10,

    /// <summary>A route that does not take the method: 405, code 7001.</summary>
    MethodNotAllowed = 11,

    /// <summary>The credential's request budget is spent: 429, code 971.</summary>
    Throttled = 12,

    /// <summary>A fault of ours: 500, code 10001.</summary>
    Internal = 13,

    /// <summary>Storage or the cluster could not be reached: 503, code 10002.</summary>
    Unavailable = 14,

    /// <summary>A well-formed request the gateway will not run as sent (an Idempotency-Key reused for another request): 422, code 1001.</summary>
    Unprocessable = 15,
}

/// <summary>A refusal: its kind, the wire message (<c>snake_case_token[: detail]</c>) and the offending field.</summary>
/// <param name="Pointer">JSON pointer into the request body, e.g. <c>/0/value</c>; null when no field is at fault.</param>
[GenerateSerializer, Immutable, Alias("SecretsStore.StoreError")]
public sealed record StoreError(
    [property: Id(0)] ErrorKind Kind,
    [property: Id(1)] string Message,
    [property: Id(2)] string? Pointer = null)
{
    /// <summary>The HTTP status and error code this refusal is answered with (docs/api.md, "Errors").</summary>
    public (int Status, int Code) Wire => Kind switch
    {
        ErrorKind.Validation => (400, 1001),
        ErrorKind.NotFound => (404, 1001),
        ErrorKind.Conflict => (409, 1003),
        ErrorKind.QuotaExceeded => (400, 1003),
        ErrorKind.ManagedByService => (403, 1002),
        ErrorKind.Forbidden => (403, 9109),
        ErrorKind.MissingCredentials => (400, 9106),
        ErrorKind.Unauthenticated => (401, 10000),
        ErrorKind.BodyTooLarge => (413, 1001),
        ErrorKind.UnroutableAccount => (400, 7003),
        ErrorKind.NoRoute => (404, 7000),
        ErrorKind.MethodNotAllowed => (405, 7001),
        ErrorKind.Throttled => (429, 971),
        ErrorKind.Unavailable => (503, 10002),
        ErrorKind.Unprocessable => (422, 1001),
        _ => (500, 10001),
    };

    /// <summary>The message without its detail: <c>secret_name_already_exists</c> of <c>secret_name_already_exists: NAME</c>.</summary>
    public string Token => Message.IndexOf(": ", StringComparison.Ordinal) is var at and >= 0 ? Message[..at] : Message;
}
