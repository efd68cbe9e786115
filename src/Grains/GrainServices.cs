using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SecretsStore.Grains.Telemetry;
using Microsoft.Extensions.Options;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Crypto;
using SecretsStore.Grains.Keys;
using SecretsStore.Grains.Rules;
using SecretsStore.Grains.StoreWrites;
using SecretsStore.Persistence.Audit;
using SecretsStore.Persistence.Keys;
using SecretsStore.Persistence.Stores;

namespace SecretsStore.Grains;

public static class GrainServices
{
    /// <summary>
    /// The master keys' state in the database and its re-wrapper, on every silo. A development host registers an
    /// <see cref="IMasterKeyGenerator"/> so that rotating there needs no configuration.
    /// </summary>
    private static IServiceCollection AddMasterKeyRotation(this IServiceCollection services)
    {
        services.AddSingleton<MasterKeyCatalog>();
        services.AddSingleton<KeyRewrapper>();
        services.AddSingleton<KeyRewrapService>();
        services.AddSingleton<SiloKeyHolder>();
        services.AddSingleton(sp => new KeyRotation(
            sp.GetRequiredService<MasterKeyCatalog>(), sp.GetRequiredService<MasterKeyRing>(), sp.GetRequiredService<KeyRewrapService>(),
            sp.GetRequiredService<SiloKeyHolder>(), sp.GetService<IMasterKeyGenerator>()));
        // Startup first: it records the current key the re-wrapper and store inserts read.
        services.AddHostedService<MasterKeyStartup>();
        services.AddHostedService(sp => sp.GetRequiredService<KeyRewrapService>());
        return services;
    }

    /// <summary>
    /// Registers what the grains need: the rules, the clock, the value cipher and their storage. The host registers
    /// the database's data source (see <see cref="SecretsStore.Persistence.DatabaseConnections.CreateDataSource"/>).
    /// </summary>
    public static IServiceCollection AddStoreGrainServices(this IServiceCollection services, IConfiguration configuration, MasterKeyRing masterKeys)
    {
        SecretsStoreOptions.Register(services, configuration);
        services.AddSingleton(sp => new ScopeSet(sp.GetRequiredService<IOptions<SecretsStoreOptions>>().Value.Scopes ?? ScopeSet.Defaults));
        services.AddSingleton<SecretRules>();
        services.AddSingleton(masterKeys);
        services.AddSingleton<ValueCipher>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<AccountCatalog>();
        services.TryAddSingleton<AuditLog>(); // the gateway registers the same one when co-hosted
        services.AddSecretsStoreMetrics();
        services.AddSingleton<StoreLoader>();
        services.AddSingleton<CommittedRequests>();
        services.TryAddSingleton<IdempotentAnswers>(); // the gateway registers the same one when co-hosted
        services.AddSingleton<StoreCommits>();
        services.AddSingleton<CommitWriter>();
        services.AddSingleton<IStoreStorage, PostgresStoreStorage>();
        services.AddMasterKeyRotation();
        return services;
    }
}
