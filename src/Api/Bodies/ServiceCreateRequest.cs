using System.Text.Json;
using System.Text.RegularExpressions;

namespace SecretsStore.Api.Bodies;

/// <summary>
/// Create a service: its name, the scopes it consumes, and the accounts it may act in, always said outright: a list of
/// account ids, or <c>["*"]</c> for a platform-wide service.
/// </summary>
public sealed partial record ServiceCreateRequest(string Name, IReadOnlyList<string> Scopes, IReadOnlyList<string> Accounts)
{
    private const string AccountsRule = "accounts must list the account ids the service may act in, or be [\"*\"] for every account";

    public static Outcome<ServiceCreateBody> Parse(JsonElement body, ScopeSet scopes)
    {
        var parsed = BodyFields.Of(body, "", "name", "scopes", "accounts");
        if (!parsed.Succeeded)
        {
            return parsed.Error!;
        }

        var fields = parsed.Value!;
        var name = fields.String("name");
        var consumerScopes = fields.Strings("scopes") ?? [];
        var accounts = fields.Strings("accounts");
        if (fields.Error is not null)
        {
            return fields.Error;
        }

        if (name is null || !ServiceName().IsMatch(name))
        {
            return Errors.InvalidJsonBody("name must be 1 to 64 characters of a-z 0-9 _ -", "/name");
        }

        var unknown = consumerScopes.Select((scope, i) => (scope, i)).FirstOrDefault(s => !scopes.IsAllowed(s.scope));
        if (unknown.scope is not null)
        {
            return Errors.SecretScopeInvalid(unknown.scope, scopes.Names, $"/scopes/{unknown.i}");
        }

        var grants = ParseAccounts(accounts);
        return grants.Succeeded
            ? new ServiceCreateBody(name, ScopeSet.Canonical(consumerScopes), grants.Value.Grants, grants.Value.Listed)
            : grants.Error;
    }

    /// <summary>
    /// The accounts as granted, and as listed (in order, for the place of one that names no account). Required: a
    /// service that could act everywhere must be asked for by <c>*</c>, never by leaving the field out. <c>[]</c> is a
    /// service that acts nowhere until an account is granted.
    /// </summary>
    private static Outcome<(ServiceGrants Grants, IReadOnlyList<Guid> Listed)> ParseAccounts(IReadOnlyList<string>? accounts)
    {
        if (accounts is null)
        {
            return Errors.InvalidJsonBody($"{AccountsRule}; it is required", "/accounts");
        }

        if (accounts.Contains(AccountGrants.EveryAccount))
        {
            return accounts.Count == 1
                ? (new ServiceGrants(true, new HashSet<Guid>()), [])
                : Errors.InvalidJsonBody($"{AccountsRule}, not both", $"/accounts/{(accounts[0] == AccountGrants.EveryAccount ? 1 : 0)}");
        }

        var listed = new List<Guid>(accounts.Count);
        for (var i = 0; i < accounts.Count; i++)
        {
            if (!RouteIds.TryParseAccount(accounts[i], out var id))
            {
                return Errors.InvalidJsonBody($"{AccountsRule}; an account id is 32 hex digits", $"/accounts/{i}");
            }

            listed.Add(id);
        }

        return (new ServiceGrants(false, listed.ToHashSet()), listed);
    }

    [GeneratedRegex("^[a-z0-9_-]{1,64}$")]
    private static partial Regex ServiceName();
}

/// <param name="Listed">The account ids in the order the body gave them.</param>
public sealed record ServiceCreateBody(string Name, IReadOnlyList<string> Scopes, ServiceGrants Grants, IReadOnlyList<Guid> Listed);
