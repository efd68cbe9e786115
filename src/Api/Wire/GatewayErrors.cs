namespace SecretsStore.Api.Wire;

/// <summary>
/// The refusals only the gateway gives (docs/api.md, "Errors"): credentials, request bodies, path and query ids, the
/// operator's routes, the routes a credential opens, routing, throttling and faults. They are <see cref="StoreError"/>s
/// of the same form as the grains' refusals in <see cref="Errors"/>, which is what a grain call can answer; these never
/// cross a grain call, so they live with the gateway that answers them.
/// </summary>
public static class GatewayErrors
{
    /// <summary>
    /// The message every 10000 starts with, as Cloudflare words it (clients match on it); what follows says which
    /// credential failed and how to send one.
    /// </summary>
    public const string AuthenticationFailed = "Authentication error";

    /// <summary>A field the body does not have; <paramref name="known"/> are the ones it has.</summary>
    public static StoreError UnknownField(string field, string pointer, IReadOnlyList<string> known)
    {
        // A name is echoed so the caller can find it; a long one is cut, since it is whatever the client sent.
        var shown = field.Length > 64 ? field[..64] + "…" : field;
        var guess = known.FirstOrDefault(k => CloseTo(field, k));
        var suggestion = guess is null ? "" : $" (did you mean {guess}?)";
        return Validation("invalid_json_body", $"unknown field {shown}{suggestion}; this body takes {string.Join(", ", known)}", pointer);
    }

    /// <summary>
    /// A field sent twice in one object. JSON parsers disagree on which copy wins (ours took the last), so a body that
    /// meant one thing to a proxy or a filter in front of the service could mean another here.
    /// </summary>
    public static StoreError DuplicateField(string field, string pointer)
    {
        var shown = field.Length > 64 ? field[..64] + "…" : field;
        return Validation("invalid_json_body", $"field {shown} appears more than once; send each field once", pointer);
    }

    /// <summary>An id in a path or a query that is not an id: the field, then what an id looks like.</summary>
    public static StoreError InvalidId(string field) => Validation("invalid_id", $"{field}; an id is 32 hex digits, as answers write it", null);

    /// <summary>An audit-route time filter (<c>since</c>, <c>until</c>) that is not a time.</summary>
    public static StoreError InvalidAuditTime(string field) =>
        Validation("invalid_audit_filter", $"{field}; give an RFC 3339 time, e.g. 2026-01-31T09:00:00Z", null);

    /// <summary>An audit-route <c>action</c> filter that names no action.</summary>
    public static StoreError InvalidAuditAction(IEnumerable<string> actions) =>
        Validation("invalid_audit_filter", $"action; valid actions are {string.Join(", ", actions)}", null);

    /// <summary>The operator's routes: an account token, account key or service that is not there.</summary>
    public static StoreError TokenNotFound() => new(ErrorKind.NotFound, "token_not_found");
    public static StoreError KeyNotFound() => new(ErrorKind.NotFound, "key_not_found");
    public static StoreError ServiceNotFound() => new(ErrorKind.NotFound, "service_not_found");

    /// <summary>A revoke of an account (or of every account) the service is not granted.</summary>
    public static StoreError GrantNotFound() => new(ErrorKind.NotFound, "grant_not_found");

    public static StoreError ServiceNameAlreadyExists(string name, string? pointer = null) =>
        new(ErrorKind.Conflict, $"service_name_already_exists: {name}", pointer);

    /// <summary>
    /// An account token or key on another account's routes. It reads the same whether or not that account exists, so
    /// a credential learns nothing about accounts that are not its own.
    /// </summary>
    public static StoreError NotThisAccount(string credential) =>
        Forbidden($"this {credential} is not for the account in the path; use a token or key of that account");

    /// <summary>The operator's admin token on the account routes or the helpers (<c>/user</c>, <c>/accounts</c>, <c>/memberships</c>).</summary>
    public static StoreError AdminTokenOutsideAdmin() =>
        Forbidden("the admin token opens only the /admin/v1 routes; use an account token or key here");

    /// <summary>The operator's admin token on the system routes, which take only service tokens.</summary>
    public static StoreError AdminTokenOnSystemRoutes() =>
        Forbidden("the admin token opens only the /admin/v1 routes; the system routes take only service tokens (POST /admin/v1/services makes one)");

    /// <summary>A service token on routes for account tokens and keys.</summary>
    public static StoreError ServiceTokenOutsideSystemRoutes() =>
        Forbidden("a service token opens only the system routes (/client/v4/system/accounts/{account_tag}/…); use an account token or key here");

    /// <summary>An account token or key on the system routes.</summary>
    public static StoreError SystemRoutesNeedService(string credential) =>
        Forbidden($"the system routes take only service tokens; this {credential} opens /client/v4/accounts/{{account_id}}/secrets_store");

    /// <summary>An account key on a route that describes a token.</summary>
    public static StoreError NotAToken() => Forbidden("this route describes an account token, and an account key is not one");

    // The gateway's own answers, worded as Cloudflare words them (docs/api.md, "Errors"). The fixed ones are single
    // instances: they answer every unknown credential and every throttled request, so they cost no allocation.
    private static readonly StoreError NoCredentials = new(ErrorKind.MissingCredentials, "Missing X-Auth-Key, X-Auth-Email or Authorization headers");
    private static readonly StoreError UnknownBearerToken = new(
        ErrorKind.Unauthenticated,
        $"{AuthenticationFailed}: this token is unknown, revoked or malformed; send a current token as Authorization: Bearer <token>");

    private static readonly StoreError NotBearer = new(
        ErrorKind.Unauthenticated,
        $"{AuthenticationFailed}: the Authorization header takes a token as Bearer <token>; an account key goes in X-Auth-Email and X-Auth-Key instead");

    private static readonly StoreError UnknownAccountKey = new(
        ErrorKind.Unauthenticated,
        $"{AuthenticationFailed}: no account key matches this X-Auth-Email and X-Auth-Key; the key is unknown or deleted, or belongs to another email");
    private static readonly StoreError BodyOverLimit = new(ErrorKind.BodyTooLarge, "request_body_too_large");
    private static readonly StoreError UnknownRoute = new(ErrorKind.NoRoute, "No route for that URI");
    private static readonly StoreError WrongMethod = new(ErrorKind.MethodNotAllowed, "Method not allowed");
    private static readonly StoreError OverBudget = new(ErrorKind.Throttled, "Please wait and consider throttling your request speed");
    private static readonly StoreError BodiesBusy = new(
        ErrorKind.Throttled, "Please wait and consider throttling your request speed: too many request bodies are being read at once (by this gateway, or for this credential)");
    private static readonly StoreError Fault = new(ErrorKind.Internal, "internal_error");
    private static readonly StoreError Unreachable = new(ErrorKind.Unavailable, "service_unavailable");

    /// <summary>No Authorization header, and no X-Auth-Email with X-Auth-Key.</summary>
    public static StoreError MissingCredentials() => NoCredentials;

    /// <summary>A bearer token that names no account token, service or operator.</summary>
    public static StoreError UnknownToken() => UnknownBearerToken;

    /// <summary>An Authorization header that is not <c>Bearer &lt;token&gt;</c> (Basic, a bare token, a misspelt scheme).</summary>
    public static StoreError NotABearerToken() => NotBearer;

    /// <summary>An X-Auth-Email and X-Auth-Key that name no account key.</summary>
    public static StoreError UnknownKey() => UnknownAccountKey;

    public static StoreError BodyTooLarge() => BodyOverLimit;

    /// <summary>An account id in the path that is not 32 hex digits.</summary>
    public static StoreError BadAccountId(string accountId) =>
        new(ErrorKind.UnroutableAccount, $"Could not route to /accounts/{accountId}, perhaps your object identifier is invalid?");

    public static StoreError NoRoute() => UnknownRoute;
    public static StoreError MethodNotAllowed() => WrongMethod;
    public static StoreError TooManyRequests() => OverBudget;

    /// <summary>
    /// The process is already reading as many request bodies as it may, in all or for this credential
    /// (<c>SecretsStore:Bodies:MaxConcurrentReads</c>, <c>…PerCredential</c>): 429, code 971, with Cloudflare's words
    /// first so that a client treats it as any throttling, and why after them.
    /// </summary>
    public static StoreError TooManyBodies() => BodiesBusy;

    /// <summary>Never the exception's text.</summary>
    public static StoreError InternalError() => Fault;

    /// <summary>Storage or the cluster could not be reached: the write did not happen, or happened whole.</summary>
    public static StoreError Unavailable() => Unreachable;

    // 403, code 9109, with the same leading words as the grains' refusals of that code.
    private static StoreError Forbidden(string hint) => Errors.Forbidden(hint);

    private static StoreError Validation(string token, string? detail, string? pointer) =>
        new(ErrorKind.Validation, detail is null ? token : $"{token}: {detail}", pointer);

    /// <summary>A misspelling: one edit apart (a letter missing, added, changed or two swapped), ignoring case.</summary>
    private static bool CloseTo(string typed, string known)
    {
        var a = typed.ToLowerInvariant();
        var b = known.ToLowerInvariant();
        if (a == b)
        {
            return true;
        }

        if (Math.Abs(a.Length - b.Length) > 1)
        {
            return false;
        }

        var i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i])
        {
            i++;
        }

        return a.Length == b.Length
            ? a[(i + 1)..] == b[(i + 1)..] || (i + 1 < a.Length && a[i] == b[i + 1] && a[i + 1] == b[i] && a[(i + 2)..] == b[(i + 2)..])
            : a.Length > b.Length ? a[(i + 1)..] == b[i..] : a[i..] == b[(i + 1)..];
    }
}
