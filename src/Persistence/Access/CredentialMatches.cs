using SecretsStore.Grains.Abstractions;

namespace SecretsStore.Persistence.Access;

// What a presented credential matched, as stored. The gateway turns each into the principal a request acts as.

/// <summary>A live account token: the one account it opens, and with which permission.</summary>
public sealed record TokenMatch(Guid AccountId, Permission Permission, string TokenId);

/// <summary>An account key: its email and every account it was issued for with that key.</summary>
public sealed record KeyMatch(string Email, IReadOnlySet<Guid> AccountIds);

/// <summary>A platform service: its name, the scopes it may use and the accounts it may act in.</summary>
public sealed record ServiceMatch(string Name, IReadOnlyList<string> Scopes, ServiceGrants Grants);
