namespace SecretsStore.Grains.Abstractions;

/// <summary>
/// Every refusal the grains and the gateway can give, with its wire message (docs/api.md, "Errors"). A message starts
/// with the token clients match on, and where the caller can do something about it goes on with <c>: </c> and a
/// short hint saying what: the rule that was broken, the limit and the usage, or the request that would work.
/// </summary>
public static class Errors
{
    /// <summary>Store and secret names (docs/api.md, "Objects"); the rules check the same in <c>NameRules</c>.</summary>
    public const int MaxNameLength = 255;

    /// <summary>The name rule as the hints state it.</summary>
    public static readonly string NameRule = $"1 to {MaxNameLength} characters of A-Z a-z 0-9 _ -";

    /// <summary>
    /// The message every 10000 starts with, as Cloudflare words it (clients match on it); what follows says which
    /// credential failed and how to send one.
    /// </summary>
    public const string AuthenticationFailed = "Authentication error";

    /// <summary>The message every 9109 starts with; what follows says which of the mistakes it was.</summary>
    public const string Unauthorized = "Unauthorized to access requested resource";

    /// <summary>Where an operator changes one account's limits (docs/access.md, "The operator's routes").</summary>
    private static string QuotaRoute(Guid accountId) => $"PATCH /admin/v1/accounts/{accountId:N}/quota";

    public static StoreError InvalidJsonBody(string? detail = null, string? pointer = null) =>
        Validation("invalid_json_body", detail, pointer);

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

    /// <summary>A secrets-create body with no secret, or more than one batch holds.</summary>
    public static StoreError SecretBatchSize(int max) => InvalidJsonBody($"expected 1 to {max} secrets");

    /// <summary>PostgreSQL text cannot hold U+0000, so a field with one is refused rather than failing its commit.</summary>
    public static StoreError NulCharacter(string field, string? pointer) =>
        InvalidJsonBody($"{field} must not contain the character U+0000", pointer);

    public static StoreError SecretNameEmpty(string? pointer) => Validation("secret_name_empty", $"a secret needs a name of {NameRule}", pointer);
    public static StoreError SecretNameInvalid(string? pointer) => Validation("secret_name_invalid", $"a name is {NameRule}", pointer);

    public static StoreError SecretNameImmutable(string? pointer) => Validation(
        "secret_name_immutable", "a secret's name never changes; duplicate the secret under the new name, then delete the old one", pointer);

    public static StoreError SecretValueEmpty(string? pointer, int maxBytes) =>
        Validation("secret_value_empty", $"a value is 1 to {maxBytes} bytes of UTF-8", pointer);

    public static StoreError SecretValueTooLong(string? pointer, int maxBytes) =>
        Validation("secret_value_too_long", $"a value is at most {maxBytes} bytes of UTF-8 ({maxBytes / 1024} KiB)", pointer);

    public static StoreError SecretScopesEmpty(string? pointer, IEnumerable<string> valid) =>
        Validation("secret_scopes_empty", $"give at least one scope; valid scopes are {string.Join(", ", valid)}", pointer);

    public static StoreError SecretScopeInvalid(string scope, IEnumerable<string> valid, string? pointer) =>
        Validation("secret_scope_invalid", $"{scope}; valid scopes are {string.Join(", ", valid)}", pointer);

    public static StoreError SecretCommentTooLong(string? pointer, int maxLength) =>
        Validation("secret_comment_too_long", $"a comment is at most {maxLength} characters", pointer);

    public static StoreError StoreNameEmpty(string? pointer) => Validation("store_name_empty", $"a store needs a name of {NameRule}", pointer);
    public static StoreError StoreNameInvalid(string? pointer) => Validation("store_name_invalid", $"a name is {NameRule}", pointer);
    public static StoreError InvalidIds(string? detail, string? pointer = null) => Validation("invalid_ids", detail, pointer);

    /// <summary>A bulk delete with no id, or more than one request may delete.</summary>
    public static StoreError BulkDeleteSize(int max) => InvalidIds($"expected 1 to {max} ids", "/ids");

    public static StoreError InvalidPage() => Validation("invalid_paging", "page must be a non-negative integer", null);
    public static StoreError InvalidPerPage(int max) => Validation("invalid_paging", $"per_page must be an integer from 1 to {max}", null);
    public static StoreError InvalidOrder(string value) => Validation("invalid_order", value, null);
    public static StoreError InvalidDirection(string value) => Validation("invalid_direction", value, null);

    public static StoreError InvalidScopeFilter(string scope, IEnumerable<string> valid) =>
        Validation("secret_scope_invalid", $"{scope}; valid scopes are {string.Join(", ", valid)}", null);

    /// <summary>An id in a path or a query that is not an id: the field, then what an id looks like.</summary>
    public static StoreError InvalidId(string field) => Validation("invalid_id", $"{field}; an id is 32 hex digits, as answers write it", null);

    /// <summary>An audit-route time filter (<c>since</c>, <c>until</c>) that is not a time.</summary>
    public static StoreError InvalidAuditTime(string field) =>
        Validation("invalid_audit_filter", $"{field}; give an RFC 3339 time, e.g. 2026-01-31T09:00:00Z", null);

    /// <summary>An audit-route <c>action</c> filter that names no action.</summary>
    public static StoreError InvalidAuditAction(IEnumerable<string> actions) =>
        Validation("invalid_audit_filter", $"action; valid actions are {string.Join(", ", actions)}", null);
    public static StoreError AccountIdMismatch(string? pointer) => Validation("account_id_mismatch", null, pointer);

    public static StoreError AccountNotFound() => new(ErrorKind.NotFound, "account_not_found");

    public static StoreError StoreNotFound() => new(ErrorKind.NotFound, "store_not_found");
    public static StoreError SecretNotFound() => new(ErrorKind.NotFound, "secret_not_found");

    /// <summary>The operator's routes: an account token, account key or service that is not there.</summary>
    public static StoreError TokenNotFound() => new(ErrorKind.NotFound, "token_not_found");
    public static StoreError KeyNotFound() => new(ErrorKind.NotFound, "key_not_found");
    public static StoreError ServiceNotFound() => new(ErrorKind.NotFound, "service_not_found");

    /// <summary>A revoke of an account (or of every account) the service is not granted.</summary>
    public static StoreError GrantNotFound() => new(ErrorKind.NotFound, "grant_not_found");

    public static StoreError ServiceNameAlreadyExists(string name, string? pointer = null) =>
        new(ErrorKind.Conflict, $"service_name_already_exists: {name}", pointer);

    public static StoreError SecretNameAlreadyExists(string name, string? pointer = null) =>
        new(ErrorKind.Conflict, $"secret_name_already_exists: {name}", pointer);

    public static StoreError StoreNameAlreadyExists(string name, string? pointer = null) =>
        new(ErrorKind.Conflict, $"store_name_already_exists: {name}", pointer);

    public static StoreError StoreNotEmpty(int secrets) => new(
        ErrorKind.Conflict,
        $"store_not_empty: the store holds {Count(secrets, "secret")}; delete them first, or add ?force=true to delete the store with its secrets");

    public static StoreError AccountNotEmpty(int stores, int managed, long secrets) => new(
        ErrorKind.Conflict,
        $"account_not_empty: the account has {Count(stores, "store")} ({managed} managed by services) holding {Count(secrets, "secret")}; delete them first, or add ?force=true to delete the account with everything in it");

    public static StoreError NoNewMasterKey() => new(
        ErrorKind.Conflict,
        "no_new_master_key: the newest configured master key has been current before; add a new key last to SecretsStore__MasterKeys on every silo, restart them, then rotate");

    public static StoreError MasterKeyNotOnEverySilo(IEnumerable<string> silos) => new(
        ErrorKind.Conflict,
        $"master_key_not_on_every_silo: {string.Join(", ", silos)}; give every silo the new key and restart it, then rotate");

    /// <param name="usage">The account's stores that count toward the limit (those services made do not).</param>
    public static StoreError MaximumStoresExceeded(Guid accountId, int limit, long usage) => new(
        ErrorKind.QuotaExceeded,
        $"maximum_stores_exceeded: the account has {usage} of its {Count(limit, "store")}; delete a store, or ask an operator to raise the limit ({QuotaRoute(accountId)} {{\"stores\": n}})");

    /// <summary>A service at its limit of stores in one account (<c>SecretsStore:Quota:ManagedStores</c>, the deployment's).</summary>
    /// <param name="usage">The account's live stores the calling service manages.</param>
    public static StoreError MaximumManagedStoresExceeded(int limit, long usage) => new(
        ErrorKind.QuotaExceeded,
        $"maximum_stores_exceeded: this service manages {usage} of its {Count(limit, "store")} in the account; delete one of them, or ask an operator to raise the limit (SecretsStore:Quota:ManagedStores)");

    /// <param name="usage">The account's secrets in every store, before this request.</param>
    /// <param name="adding">How many secrets the refused request would have added.</param>
    public static StoreError MaximumSecretsExceeded(Guid accountId, int limit, long usage, int adding) => new(
        ErrorKind.QuotaExceeded,
        $"maximum_secrets_exceeded: the account holds {usage} of its {Count(limit, "secret")} and this request adds {adding}; delete secrets, or ask an operator to raise the limit ({QuotaRoute(accountId)} {{\"secrets\": n}})");

    public static StoreError StoreManagedByService() => new(ErrorKind.ManagedByService, "store_managed_by_service");

    /// <summary>403 code 9109, saying which mistake it was. The hint never depends on what exists in another account.</summary>
    public static StoreError Forbidden(string hint) => new(ErrorKind.Forbidden, $"{Unauthorized}: {hint}");

    /// <summary>A read token (or a read caller) asking for a change.</summary>
    public static StoreError ReadOnly() =>
        Forbidden("this token has read permission and the request changes something; use a token with write permission");

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

    /// <summary>Anything but the operator's admin token on the admin routes.</summary>
    public static StoreError AdminRoutesNeedAdminToken() =>
        Forbidden("the /admin/v1 routes take only the operator's admin token (SecretsStore:AdminToken)");

    /// <summary>A service token on routes for account tokens and keys.</summary>
    public static StoreError ServiceTokenOutsideSystemRoutes() =>
        Forbidden("a service token opens only the system routes (/client/v4/system/accounts/{account_tag}/…); use an account token or key here");

    /// <summary>An account token or key on the system routes.</summary>
    public static StoreError SystemRoutesNeedService(string credential) =>
        Forbidden($"the system routes take only service tokens; this {credential} opens /client/v4/accounts/{{account_id}}/secrets_store");

    /// <summary>An account key on a route that describes a token.</summary>
    public static StoreError NotAToken() => Forbidden("this route describes an account token, and an account key is not one");

    /// <summary>Values leave the service only to services.</summary>
    public static StoreError ValueReadNeedsService() =>
        Forbidden("only service tokens read values, through /client/v4/system/accounts/{account_tag}/…/value");

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

    private static StoreError Validation(string token, string? detail, string? pointer) =>
        new(ErrorKind.Validation, detail is null ? token : $"{token}: {detail}", pointer);

    private static string Count(long n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

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
