using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Storage;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.Grains.Rules;

/// <summary>Who may read a secret's value (docs/access.md, "Reading a value").</summary>
public static class ValueAccess
{
    /// <summary>Values leave the service only to services; anyone else is refused before anything is looked up.</summary>
    public static StoreError? CheckReader(Caller caller) => caller.Kind == CallerKind.Service ? null : Errors.ValueReadNeedsService();

    /// <summary>
    /// A service that manages the store, or one whose consumer scopes include one of the secret's scopes (as
    /// Cloudflare lets a Worker read a secret scoped <c>workers</c>). Never an account principal or the operator.
    /// </summary>
    public static bool MayRead(StoreRow store, SecretRecord secret, Caller caller) =>
        caller.Kind == CallerKind.Service
        && (store.ManagedBy == caller.ServiceName || secret.Scopes.Any(scope => caller.ConsumerScopes.Contains(scope, StringComparer.Ordinal)));
}
