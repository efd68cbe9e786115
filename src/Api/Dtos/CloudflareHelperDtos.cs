namespace SecretsStore.Api.Dtos;

// What the Cloudflare account and user routes around the Secrets Store routes answer (CloudflareHelpersApi).

/// <summary><c>GET /user/tokens/verify</c>: the calling token and whether it works.</summary>
public sealed record TokenStatusDto(string Id, string Status);

/// <summary>
/// <c>GET /user</c>. There are no users here: a token stands for itself (its id, no email), a key for its email.
/// wrangler reads only <c>email</c>, and prints that none is known when it is null.
/// </summary>
public sealed record UserDto(string Id, string? Email);

/// <summary>An account as Cloudflare's <c>GET /accounts</c> lists it; wrangler reads <c>id</c> and <c>name</c>.</summary>
public sealed record AccountDto(string Id, string Name, string Type, DateTime CreatedOn);

/// <summary>
/// The credential's membership of an account; wrangler keeps only the accounts that appear in both lists
/// (<c>account.id</c>) and <c>whoami --account</c> prints <c>roles</c>.
/// </summary>
public sealed record MembershipDto(string Id, MembershipAccountDto Account, string Status, IReadOnlyList<string> Roles);

public sealed record MembershipAccountDto(string Id, string Name);
