using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SecretsStore.Api.Access;
using SecretsStore.Api.Cluster;
using SecretsStore.Api.Endpoints;
using SecretsStore.Api.Idempotency;
using SecretsStore.Api.Observability;
using SecretsStore.Api.OpenApi;
using SecretsStore.Api.Readiness;
using SecretsStore.Api.Wire;
using SecretsStore.Grains.Abstractions;

namespace SecretsStore.Api;

/// <summary>Wires the gateway: its services, its error handling and its routes.</summary>
public static class ApiComposition
{
    public const string ClientBase = "/client/v4";

    /// <summary>
    /// Needs the database's data source (<see cref="SecretsStore.Persistence.DatabaseConnections.CreateDataSource"/>) and an
    /// <see cref="IGrainFactory"/> registered by the host.
    /// </summary>
    public static IServiceCollection AddSecretsStoreApi(this IServiceCollection services, IConfiguration configuration)
    {
        ApiOptions.Register(services, configuration);
        services.AddSingleton<AccountRepository>();
        services.AddSingleton<CredentialRepository>();
        services.AddSingleton<ServiceRepository>();
        services.TryAddSingleton<AuditLog>(); // the grains register the same one when co-hosted
        services.AddSingleton<AuditEntries>();
        services.AddSingleton<IdempotentAnswers>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(s => new ScopeSet(s.GetRequiredService<IOptions<ApiOptions>>().Value.Scopes ?? ScopeSet.Defaults));
        services.AddSingleton<AdminToken>();
        services.AddSingleton<ClusterRevocations>().AddHostedService(s => s.GetRequiredService<ClusterRevocations>());
        services.AddSingleton<PrincipalResolver>();
        services.AddSingleton<BodyReads>();
        services.AddGatewayMetrics();
        // The OpenAPI generator reads these (envelopes are written with WireJson), so its schemas match the wire.
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        services.AddSecretsStoreOpenApi();
        services.AddSecretsStoreRateLimiting();
        services.AddSecretsStoreProbes();
        // Orleans takes its outgoing filters from the host's services, for a silo and for a client alike, so this one
        // guards a standalone gateway's calls as it does a co-hosted one's.
        services.AddSingleton<IOutgoingGrainCallFilter, RepeatUnprocessedCalls>();
        return services;
    }

    /// <summary>
    /// What <c>/healthz</c> and <c>/readyz</c> (<see cref="HealthApi"/>) need beyond the host's data source and grain
    /// factory, for a process that serves them without the API: readiness turns 503 as soon as a stop begins.
    /// </summary>
    public static IServiceCollection AddSecretsStoreProbes(this IServiceCollection services)
    {
        services.AddSingleton<DrainBeforeStop>().AddHostedService(s => s.GetRequiredService<DrainBeforeStop>());
        services.AddSecretsStoreReadiness();
        return services;
    }

    /// <summary>
    /// While the process drains before a stop (<see cref="DrainBeforeStop"/>), every answer closes its connection. A
    /// client then opens a new connection for its next request, which fails to connect once Kestrel stops listening
    /// and goes to another gateway; no request is left on an idle keep-alive connection that Kestrel closes as the
    /// request arrives, where the client could not tell whether it was received.
    /// </summary>
    public static IApplicationBuilder UseSecretsStoreDrain(this IApplicationBuilder app)
    {
        var drain = app.ApplicationServices.GetRequiredService<DrainBeforeStop>();
        return app.Use((context, next) =>
        {
            if (drain.Stopping)
            {
                context.Response.Headers.Connection = "close";
            }

            return next(context);
        });
    }

    /// <summary>Answers faults and unmatched routes with the API's envelope; call before routing.</summary>
    public static IApplicationBuilder UseSecretsStoreErrors(this IApplicationBuilder app)
    {
        app.UseExceptionHandler(errors => errors.Run(context =>
        {
            var fault = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            return FaultResults.For(fault).ExecuteAsync(context);
        }));
        app.UseMiddleware<UnavailableDependencyMiddleware>();
        app.UseStatusCodePages(context => context.HttpContext.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => ApiResults.NoRoute().ExecuteAsync(context.HttpContext),
            StatusCodes.Status405MethodNotAllowed => ApiResults.MethodNotAllowed().ExecuteAsync(context.HttpContext),
            _ => Task.CompletedTask,
        });
        app.UseMiddleware<CredentialAdmission>();
        app.UseRateLimiter();
        return app;
    }

    public static IEndpointRouteBuilder MapSecretsStoreApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi();
        app.MapHealthApi();

        var account = app.MapGroup($"{ClientBase}/accounts/{{account_id}}/secrets_store")
            .AddEndpointFilter(Shared<AccountRoutesFilter>(app))
            .AddEndpointFilter(Shared<IdempotencyKeyFilter>(app))
            .WithTags("Secrets Store");
        account.MapQuotaApi().MapCreateStore().MapStoresApi().MapSecretsApi().MapAccountAuditApi();

        // Cloudflare's account audit logs (Audit Logs v2): the same principals as the account's secrets_store routes.
        app.MapGroup($"{ClientBase}/accounts/{{account_id}}/logs")
            .AddEndpointFilter(Shared<AccountRoutesFilter>(app))
            .WithTags("Audit Logs")
            .MapAccountAuditLogsApi();

        var system = app.MapGroup($"{ClientBase}/system/accounts/{{account_tag}}")
            .AddEndpointFilter(Shared<SystemRoutesFilter>(app))
            .AddEndpointFilter(Shared<IdempotencyKeyFilter>(app))
            .WithTags("System");
        system.MapCreateManagedStore().MapStoresApi("System").MapSecretsApi("System").MapValueApi();

        app.MapCloudflareHelpersApi();

        var admin = app.MapGroup("/admin/v1")
            .AddEndpointFilter(Shared<OperatorFilter>(app))
            .AddEndpointFilter(Shared<IdempotencyKeyFilter>(app))
            .WithTags("Admin");
        admin.MapAdminAccountsApi().MapAdminServicesApi().MapAdminKeysApi().MapAdminAuditApi().MapAdminAuditLogsApi();
        admin.MapGroup("/accounts/{account_id}")
            .AddEndpointFilter(Shared<AdminAccountFilter>(app))
            .MapAdminAccountApi()
            .MapAdminCredentialsApi();
        return app;
    }

    /// <summary>
    /// One instance of a (stateless) filter for every request. AddEndpointFilter&lt;T&gt; builds one per request from
    /// the request's services, which costs an allocation and a dependency look-up on every call.
    /// </summary>
    private static IEndpointFilter Shared<TFilter>(IEndpointRouteBuilder app) where TFilter : IEndpointFilter =>
        ActivatorUtilities.CreateInstance<TFilter>(app.ServiceProvider);
}
