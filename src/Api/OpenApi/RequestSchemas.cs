namespace SecretsStore.Api.OpenApi;

// The request bodies as the wire carries them. The handlers parse bodies themselves (to read JSON whatever the
// Content-Type and to point at the offending field), so these records exist to describe the bodies in OpenAPI.

/// <summary>Create a store: <c>{"name"}</c> (the older form <c>[{"name"}]</c> is accepted too).</summary>
public sealed record StoreCreateRequest(string Name);

/// <summary>Create a store through the system routes; <c>account_id</c> is the account's numeric id as the service knows it.</summary>
public sealed record ManagedStoreCreateRequest(string Name, long AccountId);

/// <summary>One secret of a create request; the body is an array of 1–100 of these.</summary>
public sealed record SecretCreateRequest(string Name, string Value, IReadOnlyList<string> Scopes, string? Comment);

/// <summary>Any of value, scopes and comment (null clears it); a name, if sent, must be the secret's own.</summary>
public sealed record SecretPatchRequest(string? Name, string? Value, IReadOnlyList<string>? Scopes, string? Comment);

/// <summary>The new secret's name, scopes and comment; the value is copied inside the service.</summary>
public sealed record SecretDuplicateRequest(string Name, IReadOnlyList<string> Scopes, string? Comment);

/// <summary>The secrets to delete (1–1,000); the older form <c>[{"id"}]</c> is accepted too.</summary>
public sealed record BulkDeleteRequest(IReadOnlyList<string> Ids);

public sealed record AccountCreateRequest(string? Name);

public sealed record TokenCreateRequest(string Name, string Permission);

public sealed record KeyCreateRequest(string Email);

/// <summary>Both limits (PUT): each a non-negative integer, or null for the deployment's default.</summary>
public sealed record QuotaSetRequest(int? Secrets, int? Stores);

/// <summary>The limits to change (PATCH): a field left out keeps its limit; null restores the deployment's default.</summary>
public sealed record QuotaChangeRequest(int? Secrets, int? Stores);

public sealed record ServiceCreateRequest(string Name, IReadOnlyList<string> Scopes);
