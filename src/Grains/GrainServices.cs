using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Crypto;
using SecretsStore.Grains.Rules;
using SecretsStore.Grains.Storage;

namespace SecretsStore.Grains;

public static class GrainServices
{
    /// <summary>
    /// Registers what the grains need: the rules, the clock, the value cipher and their storage. The host registers
    /// the <see cref="Npgsql.NpgsqlDataSource"/> (see <see cref="Persistence.DatabaseConnections"/>).
    /// </summary>
    public static IServiceCollection AddStoreGrainServices(this IServiceCollection services, IConfiguration configuration, MasterKeyRing masterKeys)
    {
        services.Configure<SecretsStoreOptions>(configuration.GetSection(SecretsStoreOptions.Section));
        services.AddSingleton(sp => new ScopeSet(sp.GetRequiredService<IOptions<SecretsStoreOptions>>().Value.Scopes ?? ScopeSet.Defaults));
        services.AddSingleton<SecretRules>();
        services.AddSingleton(masterKeys);
        services.AddSingleton<ValueCipher>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<AccountCatalog>();
        services.AddSingleton<Audit.AuditWriter>();
        services.AddSingleton<CommitWriter>();
        services.AddSingleton<IStoreStorage, PostgresStoreStorage>();
        return services;
    }
}
