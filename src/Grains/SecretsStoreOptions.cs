using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SecretsStore.Grains.Abstractions;

namespace SecretsStore.Grains;

/// <summary>
/// The grains' part of the <c>SecretsStore</c> section (docs/configuration.md): the store rules, quotas, commit
/// grouping and key rotation. Bound once and validated when the host starts, as the gateway's part is.
/// </summary>
public sealed class SecretsStoreOptions : IValidatableObject
{
    public const string Section = "SecretsStore";

    /// <summary>Scope names secrets may carry; null means the Cloudflare defaults.</summary>
    public string[]? Scopes { get; set; }

    public QuotaDefaults Quota { get; set; } = new();

    public StorageOptions Storage { get; set; } = new();

    public KeyRotationOptions KeyRotation { get; set; } = new();

    public static OptionsBuilder<SecretsStoreOptions> Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddOptions<SecretsStoreOptions>()
            .Bind(configuration.GetSection(Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Scopes is not null && ScopeSet.Problem(Scopes) is { } scopeProblem)
        {
            yield return new ValidationResult($"{Section}:Scopes: {scopeProblem}", [nameof(Scopes)]);
        }

        if (Quota.Secrets < 0 || Quota.Stores < 0 || Quota.ManagedStores < 0)
        {
            yield return new ValidationResult(
                $"{Section}:Quota:Secrets, {Section}:Quota:Stores and {Section}:Quota:ManagedStores must not be negative.", [nameof(Quota)]);
        }

        if (Storage.MaxStoresPerCommit < 1 || Storage.MaxRequestsPerCommit < 1)
        {
            yield return new ValidationResult(
                $"{Section}:Storage:MaxStoresPerCommit and {Section}:Storage:MaxRequestsPerCommit must be at least 1.", [nameof(Storage)]);
        }

        if (KeyRotation.BatchSize < 1 || KeyRotation.BatchPause < TimeSpan.Zero || KeyRotation.PollInterval <= TimeSpan.Zero)
        {
            yield return new ValidationResult(
                $"{Section}:KeyRotation needs a BatchSize of at least 1, a BatchPause not negative and a positive PollInterval.", [nameof(KeyRotation)]);
        }
    }
}

/// <summary>How stores are re-wrapped under a new master key (<c>SecretsStore:KeyRotation</c>).</summary>
public sealed class KeyRotationOptions
{
    /// <summary>Stores re-wrapped per transaction: their rows are locked for that long, so commits to them wait as long.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>A pause after each batch, to leave the database to the service on a busy deployment (none by default).</summary>
    public TimeSpan BatchPause { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// How often each silo looks for an unfinished rotation (one row of a tiny table), so a rotation whose silo died
    /// is finished by another.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>How writes are grouped into commits (<c>SecretsStore:Storage</c>).</summary>
public sealed class StorageOptions
{
    /// <summary>The most stores one commit transaction carries; the rest wait for the next one.</summary>
    public int MaxStoresPerCommit { get; set; } = 256;

    /// <summary>The most requests of one store committed together; the rest wait for the store's next commit.</summary>
    public int MaxRequestsPerCommit { get; set; } = 256;
}

/// <summary>Default limits per account, as Cloudflare's open beta: 1 store, 100 secrets.</summary>
public sealed class QuotaDefaults
{
    public int Secrets { get; set; } = 100;
    public int Stores { get; set; } = 1;

    /// <summary>
    /// The stores one service may manage in one account (<c>SecretsStore:Quota:ManagedStores</c>). They do not count
    /// toward the account's store limit, which is the account's own; this one keeps a service from filling an account.
    /// </summary>
    public int ManagedStores { get; set; } = 10;
}
