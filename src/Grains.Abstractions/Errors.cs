namespace SecretsStore.Grains.Abstractions;

/// <summary>
/// Every refusal a grain can answer with, with its wire message (docs/api.md, "Errors"), and the input rules the gateway
/// checks the same way before it calls one (names, bodies, paging). A message starts with the token clients match on,
/// and where the caller can do something about it goes on with <c>: </c> and a short hint saying what: the rule that
/// was broken, the limit and the usage, or the request that would work. The refusals only the gateway gives
/// (credentials, routing, the operator's routes, throttling, faults) are the gateway's <c>GatewayErrors</c>.
/// </summary>
public static class Errors
{
    /// <summary>Store and secret names (docs/api.md, "Objects"); the rules check the same in <c>NameRules</c>.</summary>
    public const int MaxNameLength = 255;

    /// <summary>The name rule as the hints state it.</summary>
    public static readonly string NameRule = $"1 to {MaxNameLength} characters of A-Z a-z 0-9 _ -";

    /// <summary>The message every 9109 starts with; what follows says which of the mistakes it was.</summary>
    public const string Unauthorized = "Unauthorized to access requested resource";

    /// <summary>Where an operator changes one account's limits (docs/access.md, "The operator's routes").</summary>
    private static string QuotaRoute(Guid accountId) => $"PATCH /admin/v1/accounts/{accountId:N}/quota";

    public static StoreError InvalidJsonBody(string? detail = null, string? pointer = null) =>
        Validation("invalid_json_body", detail, pointer);

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

    public static StoreError AccountIdMismatch(string? pointer) => Validation("account_id_mismatch", null, pointer);

    public static StoreError AccountNotFound() => new(ErrorKind.NotFound, "account_not_found");

    public static StoreError StoreNotFound() => new(ErrorKind.NotFound, "store_not_found");
    public static StoreError SecretNotFound() => new(ErrorKind.NotFound, "secret_not_found");

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

    /// <summary>Anything but the operator's admin token on the admin routes.</summary>
    public static StoreError AdminRoutesNeedAdminToken() =>
        Forbidden("the /admin/v1 routes take only the operator's admin token (SecretsStore:AdminToken)");

    /// <summary>Values leave the service only to services.</summary>
    public static StoreError ValueReadNeedsService() =>
        Forbidden("only service tokens read values, through /client/v4/system/accounts/{account_tag}/…/value");

    private static StoreError Validation(string token, string? detail, string? pointer) =>
        new(ErrorKind.Validation, detail is null ? token : $"{token}: {detail}", pointer);

    private static string Count(long n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
