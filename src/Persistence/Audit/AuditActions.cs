namespace SecretsStore.Persistence.Audit;

/// <summary>The actions the audit trail records: every change, and every value read.</summary>
public static class AuditActions
{
    public const string StoreCreate = "store.create";
    public const string StoreDelete = "store.delete";
    public const string SecretCreate = "secret.create";
    public const string SecretPatch = "secret.patch";
    public const string SecretDuplicate = "secret.duplicate";
    public const string SecretDelete = "secret.delete";
    public const string SecretBulkDelete = "secret.bulk_delete";
    public const string SecretReadValue = "secret.read_value";
    public const string QuotaSet = "quota.set";
    public const string AccountCreate = "account.create";
    public const string AccountDelete = "account.delete";
    public const string TokenCreate = "token.create";
    public const string TokenRevoke = "token.revoke";
    public const string KeyCreate = "key.create";
    public const string KeyDelete = "key.delete";
    public const string ServiceCreate = "service.create";
    public const string ServiceTokenRotate = "service.token_rotate";
    public const string ServiceDelete = "service.delete";

    /// <summary>A service granted an account (the record's account), or every account (no account).</summary>
    public const string ServiceGrant = "service.grant";

    /// <summary>A service's grant of an account (or of every account) taken back, by a revoke or with the service.</summary>
    public const string ServiceRevoke = "service.revoke";

    /// <summary>A master key made current (recorded only when the rotation was accepted), or the refusal to.</summary>
    public const string MasterKeyRotate = "master_key.rotate";

    /// <summary>Old rows deleted by the owner's audit-prune command; the record names how many and up to when.</summary>
    public const string AuditPrune = "audit.prune";

    public static readonly IReadOnlyList<string> All =
    [
        StoreCreate, StoreDelete, SecretCreate, SecretPatch, SecretDuplicate, SecretDelete, SecretBulkDelete, SecretReadValue,
        QuotaSet, AccountCreate, AccountDelete, TokenCreate, TokenRevoke, KeyCreate, KeyDelete, ServiceCreate, ServiceTokenRotate,
        ServiceDelete, ServiceGrant, ServiceRevoke, MasterKeyRotate, AuditPrune,
    ];
}
