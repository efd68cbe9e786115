using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SecretsStore.Api;

/// <summary>
/// The gateway's part of the <c>SecretsStore</c> section (docs/configuration.md has every key and default), bound
/// once and validated when the host starts: a bad value stops the start with its name instead of surfacing on the
/// first request that reads it. The grains bind their own part of the same section the same way.
/// </summary>
public sealed class ApiOptions : IValidatableObject
{
    public const string Section = "SecretsStore";

    /// <summary>The operator's bearer token for the admin routes; a development run supplies one.</summary>
    public string? AdminToken { get; set; }

    /// <summary>The longest <see cref="CredentialCacheDuration"/> may be: the bound on a revocation the broadcast missed.</summary>
    public static readonly TimeSpan MaxCredentialCacheDuration = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a looked-up credential is trusted before it is looked up again. Revocations reach every gateway
    /// through the cluster at once (<see cref="Access.ClusterRevocations"/>); this bounds the delay when one is missed.
    /// </summary>
    public TimeSpan CredentialCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Scope names secrets may carry; unset means Cloudflare's.</summary>
    public string[]? Scopes { get; set; }

    public RateLimitOptions RateLimit { get; set; } = new();

    public BodyOptions Bodies { get; set; } = new();

    public ShutdownOptions Shutdown { get; set; } = new();

    public RequestLoggingOptions Logging { get; set; } = new();

    public ForwardedHeadersSettings ForwardedHeaders { get; set; } = new();

    public Idempotency.IdempotencyOptions Idempotency { get; set; } = new();

    public static OptionsBuilder<ApiOptions> Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddOptions<ApiOptions>()
            .Bind(configuration.GetSection(Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Access.AdminToken.Problem(AdminToken) is { } adminToken)
        {
            yield return new ValidationResult(adminToken, [nameof(AdminToken)]);
        }

        if (CredentialCacheDuration < TimeSpan.Zero || CredentialCacheDuration > MaxCredentialCacheDuration)
        {
            yield return new ValidationResult(
                $"{Section}:CredentialCacheDuration must be between 00:00:00 and {MaxCredentialCacheDuration:c}.", [nameof(CredentialCacheDuration)]);
        }

        if (RateLimit.Requests < 1 || RateLimit.Window <= TimeSpan.Zero)
        {
            yield return new ValidationResult($"{Section}:RateLimit needs Requests of at least 1 and a positive Window.", [nameof(RateLimit)]);
        }

        if (RateLimit.FailedAuthentications < 1 || RateLimit.FailedAuthenticationWindow <= TimeSpan.Zero)
        {
            yield return new ValidationResult(
                $"{Section}:RateLimit needs FailedAuthentications of at least 1 and a positive FailedAuthenticationWindow.", [nameof(RateLimit)]);
        }

        if (RateLimit.FailedAuthenticationDelay < TimeSpan.Zero || RateLimit.FailedAuthenticationDelay > RateLimitOptions.MaxFailedAuthenticationDelay)
        {
            yield return new ValidationResult(
                $"{Section}:RateLimit:FailedAuthenticationDelay must be between 00:00:00 and {RateLimitOptions.MaxFailedAuthenticationDelay:c}.", [nameof(RateLimit)]);
        }

        if (ForwardedHeaders.Problem() is { } forwardedProblem)
        {
            yield return new ValidationResult($"{Section}:ForwardedHeaders: {forwardedProblem}", [nameof(ForwardedHeaders)]);
        }

        if (Shutdown.DrainDelay < TimeSpan.Zero)
        {
            yield return new ValidationResult($"{Section}:Shutdown:DrainDelay must not be negative.", [nameof(Shutdown)]);
        }

        if (Bodies.Problem() is { } bodyProblem)
        {
            yield return new ValidationResult($"{Section}:Bodies:{bodyProblem}.", [nameof(Bodies)]);
        }

        if (Idempotency.Problem() is { } idempotencyProblem)
        {
            yield return new ValidationResult($"{Section}:Idempotency:{idempotencyProblem}.", [nameof(Idempotency)]);
        }

        if (Scopes is not null && ScopeSet.Problem(Scopes) is { } scopeProblem)
        {
            yield return new ValidationResult($"{Section}:Scopes: {scopeProblem}", [nameof(Scopes)]);
        }
    }
}

/// <summary><c>SecretsStore:Shutdown</c>: how a stopping gateway hands its clients over.</summary>
public sealed class ShutdownOptions
{
    /// <summary>
    /// How long a stopping gateway goes on serving after <c>/readyz</c> turned 503 (<see cref="Cluster.DrainBeforeStop"/>).
    /// Long enough for clients on keep-alive connections to get one answer that closes theirs; behind a balancer, set it
    /// above the balancer's readiness interval (Kubernetes' preStop sleep does the same job there).
    /// </summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary><c>SecretsStore:Logging</c>: the gateway's own log lines.</summary>
public sealed class RequestLoggingOptions
{
    /// <summary>One line per request (<see cref="Observability.RequestLog"/>); off by default.</summary>
    public bool Requests { get; set; }
}
