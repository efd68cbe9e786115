namespace SecretsStore.Grains.Abstractions;

/// <summary>Every refusal the grains and the gateway can give, with its wire message (docs/api.md, "Errors").</summary>
public static class Errors
{
    public static StoreError InvalidJsonBody(string? detail = null, string? pointer = null) =>
        Validation("invalid_json_body", detail, pointer);

    public static StoreError SecretNameEmpty(string? pointer) => Validation("secret_name_empty", null, pointer);
    public static StoreError SecretNameInvalid(string? pointer) => Validation("secret_name_invalid", null, pointer);
    public static StoreError SecretNameImmutable(string? pointer) => Validation("secret_name_immutable", null, pointer);
    public static StoreError SecretValueEmpty(string? pointer) => Validation("secret_value_empty", null, pointer);
    public static StoreError SecretValueTooLong(string? pointer) => Validation("secret_value_too_long", null, pointer);
    public static StoreError SecretScopesEmpty(string? pointer) => Validation("secret_scopes_empty", null, pointer);
    public static StoreError SecretScopeInvalid(string scope, string? pointer) => Validation("secret_scope_invalid", scope, pointer);
    public static StoreError SecretCommentTooLong(string? pointer) => Validation("secret_comment_too_long", null, pointer);
    public static StoreError StoreNameEmpty(string? pointer) => Validation("store_name_empty", null, pointer);
    public static StoreError StoreNameInvalid(string? pointer) => Validation("store_name_invalid", null, pointer);
    public static StoreError InvalidIds(string? detail, string? pointer = null) => Validation("invalid_ids", detail, pointer);
    public static StoreError InvalidPaging(string detail) => Validation("invalid_paging", detail, null);
    public static StoreError InvalidOrder(string value) => Validation("invalid_order", value, null);
    public static StoreError InvalidDirection(string value) => Validation("invalid_direction", value, null);
    public static StoreError InvalidScopeFilter(string scope) => Validation("secret_scope_invalid", scope, null);
    public static StoreError InvalidId(string field) => Validation("invalid_id", field, null);
    public static StoreError AccountIdMismatch(string? pointer) => Validation("account_id_mismatch", null, pointer);

    public static StoreError StoreNotFound() => new(ErrorKind.NotFound, "store_not_found");
    public static StoreError SecretNotFound() => new(ErrorKind.NotFound, "secret_not_found");

    public static StoreError SecretNameAlreadyExists(string name, string? pointer = null) =>
        new(ErrorKind.Conflict, $"secret_name_already_exists: {name}", pointer);

    public static StoreError StoreNameAlreadyExists(string name, string? pointer = null) =>
        new(ErrorKind.Conflict, $"store_name_already_exists: {name}", pointer);

    public static StoreError StoreNotEmpty() => new(ErrorKind.Conflict, "store_not_empty");

    public static StoreError NoNewMasterKey() => new(
        ErrorKind.Conflict,
        "no_new_master_key: the newest configured master key has been current before; add a new key last to SecretsStore__MasterKeys on every silo, restart them, then rotate");

    public static StoreError MasterKeyNotOnEverySilo(IEnumerable<string> silos) => new(
        ErrorKind.Conflict,
        $"master_key_not_on_every_silo: {string.Join(", ", silos)}; give every silo the new key and restart it, then rotate");
    public static StoreError MaximumStoresExceeded() => new(ErrorKind.QuotaExceeded, "maximum_stores_exceeded");
    public static StoreError MaximumSecretsExceeded() => new(ErrorKind.QuotaExceeded, "maximum_secrets_exceeded");
    public static StoreError StoreManagedByService() => new(ErrorKind.ManagedByService, "store_managed_by_service");
    public static StoreError Forbidden() => new(ErrorKind.Forbidden, "Unauthorized to access requested resource");

    private static StoreError Validation(string token, string? detail, string? pointer) =>
        new(ErrorKind.Validation, detail is null ? token : $"{token}: {detail}", pointer);
}
