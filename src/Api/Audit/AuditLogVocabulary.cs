namespace SecretsStore.Api.Audit;

/// <summary>
/// Our trail in Cloudflare's audit-log words (Audit Logs v2): what kind of action each of ours is, who acted in which
/// context, and what kind of resource it touched. The entries (<see cref="AuditLogEntryDto"/>) and the exclusion
/// filters (<see cref="SecretsStore.Api.Endpoints.AuditLogQuery"/>) both read this one table, so a filter leaves out
/// exactly the entries that show the value it names.
/// </summary>
public static class AuditLogVocabulary
{
    /// <summary>How an action of ours reads: Cloudflare's type, a description, and its HTTP method when only one route records it.</summary>
    public sealed record ActionWords(string Type, string Description, string? Method);

    public static readonly IReadOnlyDictionary<string, ActionWords> Actions = new Dictionary<string, ActionWords>
    {
        [AuditActions.StoreCreate] = new("create", "Create store", "POST"),
        [AuditActions.StoreDelete] = new("delete", "Delete store", "DELETE"),
        [AuditActions.SecretCreate] = new("create", "Create secret", "POST"),
        [AuditActions.SecretPatch] = new("update", "Update secret", "PATCH"),
        [AuditActions.SecretDuplicate] = new("create", "Duplicate secret", "POST"),
        [AuditActions.SecretDelete] = new("delete", "Delete secret", "DELETE"),
        [AuditActions.SecretBulkDelete] = new("delete", "Delete secrets", "DELETE"),
        [AuditActions.SecretReadValue] = new("view", "Read secret value", "GET"),
        // PUT and PATCH both set a quota.
        [AuditActions.QuotaSet] = new("update", "Set quota", null),
        [AuditActions.AccountCreate] = new("create", "Create account", "POST"),
        [AuditActions.AccountDelete] = new("delete", "Delete account", "DELETE"),
        [AuditActions.TokenCreate] = new("create", "Create account token", "POST"),
        [AuditActions.TokenRevoke] = new("delete", "Revoke account token", "DELETE"),
        [AuditActions.KeyCreate] = new("create", "Create API key", "POST"),
        [AuditActions.KeyDelete] = new("delete", "Delete API key", "DELETE"),
        [AuditActions.ServiceCreate] = new("create", "Create service", "POST"),
        [AuditActions.ServiceTokenRotate] = new("update", "Rotate service token", "POST"),
        [AuditActions.ServiceDelete] = new("delete", "Delete service", "DELETE"),
        // A grant is recorded by a service's create (POST) and by its own route (PUT); a revoke by its route and by the
        // service's delete, both DELETE, but kept unnamed alike.
        [AuditActions.ServiceGrant] = new("update", "Grant service account", null),
        [AuditActions.ServiceRevoke] = new("update", "Revoke service account", null),
        [AuditActions.MasterKeyRotate] = new("update", "Rotate master key", "POST"),
        // The owner's command line, not a route.
        [AuditActions.AuditPrune] = new("delete", "Prune audit log", null),
    };

    /// <summary>Cloudflare's action types, each with the actions of ours it covers.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> ActionsByType =
        Actions.GroupBy(a => a.Value.Type).ToDictionary(g => g.Key, g => g.Select(a => a.Key).ToArray());

    /// <summary>The action types a filter may name (the SDK's).</summary>
    public static readonly IReadOnlyList<string> ActionTypes = ["create", "delete", "view", "update"];

    /// <summary>Who acted: Cloudflare's actor type and context of each kind of principal, and the pattern its principals match.</summary>
    public sealed record ActorWords(string Pattern, string Type, string Context);

    public static readonly IReadOnlyList<ActorWords> Actors =
    [
        new("token:%", "account", "api_token"),
        new("key:%", "user", "api_key"),
        new("service:%", "delegated_service", "api_token"),
        new("operator", "cloudflare_admin", "api_token"),
    ];

    /// <summary>The actor types and contexts a filter may name (the SDK's); those no principal of ours has leave nothing out.</summary>
    public static readonly IReadOnlyList<string> ActorTypes = ["account", "cloudflare_admin", "delegated_service", "system", "user"];

    public static readonly IReadOnlyList<string> ActorContexts = ["api", "api_key", "api_token", "dash", "oauth", "origin_ca_key"];

    /// <summary>Cloudflare's resource type of each kind of action (the part of our action before its dot).</summary>
    public static readonly IReadOnlyDictionary<string, string> ResourceTypes = new Dictionary<string, string>
    {
        ["store"] = "secrets_store.store",
        ["secret"] = "secrets_store.secret",
        ["quota"] = "secrets_store.quota",
        ["account"] = "account",
        ["token"] = "account.token",
        ["key"] = "account.api_key",
        ["service"] = "secrets_store.service",
        ["master_key"] = "secrets_store.master_key",
        ["audit"] = "audit_log",
    };

    /// <summary>The product every entry of ours belongs to.</summary>
    public const string Product = "secrets_store";

    public static string KindOf(string action) => action[..Math.Max(0, action.IndexOf('.', StringComparison.Ordinal))];

    public static ActorWords ActorOf(string principal) =>
        principal == "operator" ? Actors[3] : Actors.First(a => principal.StartsWith(a.Pattern[..^1], StringComparison.Ordinal));
}
