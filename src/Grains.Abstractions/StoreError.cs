namespace SecretsStore.Grains.Abstractions;

/// <summary>The families of refusal a grain can answer with; the gateway maps each to HTTP status and code.</summary>
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
        _ => (500, 10001),
    };

    /// <summary>The message without its detail: <c>secret_name_already_exists</c> of <c>secret_name_already_exists: NAME</c>.</summary>
    public string Token => Message.IndexOf(": ", StringComparison.Ordinal) is var at and >= 0 ? Message[..at] : Message;
}
