using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.StoreWrites;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.Grains.Rules;

/// <summary>Who may read a secret's value (docs/access.md, "Reading a value").</summary>
public static class ValueAccess
{
    /// <summary>Values leave the service only to services; anyone else is refused before anything is looked up.</summary>
    public static StoreError? CheckReader(Caller caller) => caller.Kind == CallerKind.Service ? null : Errors.ValueReadNeedsService();

    /// <summary>
    /// A service granted the store's account that manages the store, or whose consumer scopes include one of the
    /// secret's scopes (as Cloudflare lets a Worker read a secret scoped <c>workers</c> in its own account). Never an
    /// account principal or the operator, and never a service in an account it is not granted: scopes do not cross
    /// accounts.
    /// </summary>
    public static bool MayRead(StoreRow store, SecretRecord secret, Caller caller) =>
        caller.Kind == CallerKind.Service
        && caller.ActsIn(store.AccountId)
        && (store.ManagedBy == caller.ServiceName || secret.Scopes.Any(scope => caller.ConsumerScopes.Contains(scope, StringComparer.Ordinal)));
}
