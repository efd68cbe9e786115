using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Orleans.Runtime.Placement;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.Telemetry;
using SecretsStore.Silo.Hosting;
using SecretsStore.Tests.Http;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Hosting;

/// <summary>
/// Traces only when there is somewhere to send them (an OTLP endpoint) or when asked for; metrics for the scrape
/// endpoint unless it is switched off. With tracing on, one request is one trace from HTTP through the grain to storage.
/// </summary>
public sealed class TelemetryTests
{
    private static ServiceProvider Build(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        return new Microsoft.Extensions.DependencyInjection.ServiceCollection().AddLogging().AddSecretsStoreTelemetry(SecretsStoreHostOptions.Read(configuration)).BuildServiceProvider();
    }

    [Fact]
    public void TracingIsOffUnlessAnExporterOrTheSettingAsksForIt()
    {
        using var services = Build();
        Assert.Null(services.GetService<TracerProvider>());
        Assert.NotNull(services.GetService<MeterProvider>());
    }

    [Fact]
    public void TheSettingSwitchesTracingOn()
    {
        using var services = Build((Telemetry.TracingEnabledKey, "true"));
        Assert.NotNull(services.GetService<TracerProvider>());
    }

    [Fact]
    public void AnOtlpEndpointSwitchesTracingOnUnlessTheSettingSaysOtherwise()
    {
        using (var services = Build((Telemetry.OtlpEndpointKey, "http://127.0.0.1:4317")))
        {
            Assert.NotNull(services.GetService<TracerProvider>());
        }

        using var off = Build((Telemetry.OtlpEndpointKey, "http://127.0.0.1:4317"), (Telemetry.TracingEnabledKey, "false"));
        Assert.Null(off.GetService<TracerProvider>());
    }

    [Fact]
    public void WithoutTheScrapeEndpointOrAnExporterNoMetricsAreCollected()
    {
        using var services = Build((Telemetry.MetricsEnabledKey, "false"));
        Assert.Null(services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task ARequestIsOneTraceFromHttpThroughTheGrainToTheCommitAndItsSql()
    {
        var stopped = new ConcurrentQueue<Activity>();
        // Listens without sampling anything itself: it sees only the activities the service's own tracer records.
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or "Npgsql" or SecretsStoreActivities.SourceName
                || source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.None,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("traces"));
        await using var app = await TestHost.StartAsync(settings, $"--{Telemetry.TracingEnabledKey}=true");
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var api = new ApiClient(http);
        var account = await AppFixture.NewAccountAsync(api, settings.AdminToken);
        var store = await api.CreateStoreAsync(account);
        var value = $"canary-{Guid.NewGuid():N}";
        await api.CreateSecretAsync(account, store, "TRACED", value);
        await Task.Delay(500);

        var request = Assert.Single(stopped, a => a.Source.Name == "Microsoft.AspNetCore"
            && a.GetTagItem("url.path") is string path && path.EndsWith($"/stores/{store}/secrets", StringComparison.Ordinal)
            && a.GetTagItem("http.request.method") as string == "POST");
        var trace = stopped.Where(a => a.TraceId == request.TraceId).ToList();
        var sources = trace.Select(a => a.Source.Name).Distinct().ToList();
        Assert.Contains(trace, a => a.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal));
        var commit = Assert.Single(trace, a => a.Source.Name == SecretsStoreActivities.SourceName);
        Assert.Contains(trace, a => a.Source.Name == "Npgsql" && a.ParentSpanId == commit.SpanId);
        Assert.Equal("Committed", commit.GetTagItem("secretsstore.commit.outcome"));

        // No span holds the value or a credential, in its name or any tag.
        var everything = string.Join('\n', stopped.Select(a => $"{a.DisplayName} {string.Join(' ', a.TagObjects.Select(t => $"{t.Key}={t.Value}"))}"));
        foreach (var needle in new[] { value, account.WriteToken, account.ReadToken, settings.AdminToken, settings.MasterKey })
        {
            Assert.DoesNotContain(needle, everything, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Password", everything, StringComparison.OrdinalIgnoreCase);
        Assert.True(sources.Count >= 4, string.Join(", ", sources));
    }

    [Fact]
    public async Task WithAnOtlpEndpointTracesAndMetricsArePushedThereWithoutASecret()
    {
        // A stand-in collector: OTLP over HTTP is a POST of protobuf to /v1/traces and /v1/metrics.
        var received = new ConcurrentQueue<(string Path, byte[] Body)>();
        var collectorBuilder = WebApplication.CreateSlimBuilder();
        collectorBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        collectorBuilder.Logging.ClearProviders();
        await using var collector = collectorBuilder.Build();
        collector.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            received.Enqueue((context.Request.Path, body.ToArray()));
            context.Response.StatusCode = StatusCodes.Status200OK;
        });
        await collector.StartAsync();

        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("otlp"));
        await using (var app = await TestHost.StartAsync(
            settings,
            $"--{Telemetry.OtlpEndpointKey}={collector.Urls.First()}",
            "--OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
            "--OTEL_METRIC_EXPORT_INTERVAL=500",
            "--OTEL_BSP_SCHEDULE_DELAY=200"))
        {
            using var http = new HttpClient { BaseAddress = app.BaseAddress };
            var workload = await SecretWorkload.RunAsync(new ApiClient(http), settings);
            // Spans leave in batches: the first may hold only the HTTP spans, the commit's following in a later one.
            string Everything() => string.Join('\n', received.Select(r => Encoding.UTF8.GetString(r.Body)));
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (DateTime.UtcNow < deadline
                && !(received.Any(r => r.Path == "/v1/metrics") && Everything().Contains("secretsstore.storage.commit", StringComparison.Ordinal)))
            {
                await Task.Delay(200);
            }

            Assert.Contains(received, r => r.Path == "/v1/traces");
            Assert.Contains(received, r => r.Path == "/v1/metrics");
            // Protobuf keeps strings as UTF-8: a value or token in any span or metric would be found as it is.
            var everything = Everything();
            Assert.Contains("secretsstore.storage.commit", everything);
            foreach (var needle in workload.Secrets(settings))
            {
                Assert.DoesNotContain(needle, everything, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task ARequestStaysOneTraceWhenItsGrainLivesOnAnotherSilo()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or SecretsStoreActivities.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.None,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        // Two silos of one cluster; every request goes through the first, and store grains are placed on either.
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("traces2"));
        await using var a = await TestHost.StartAsync(settings, $"--{Telemetry.TracingEnabledKey}=true");
        await using var b = await TestHost.StartAsync(settings, $"--{Telemetry.TracingEnabledKey}=true");
        using var http = new HttpClient { BaseAddress = a.BaseAddress };
        var api = new ApiClient(http);
        var account = await AppFixture.NewAccountAsync(api, settings.AdminToken);
        Assert.Equal(200, (await api.PutAsync($"/admin/v1/accounts/{account.Id}/quota", settings.AdminToken, new { secrets = 100, stores = 20 })).Status);
        var grains = a.Web.Services.GetRequiredService<IGrainFactory>();
        var management = grains.GetGrain<IManagementGrain>(0);
        while ((await management.GetHosts(onlyActive: true)).Count < 2)
        {
            await Task.Delay(100);
        }

        var second = b.Web.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        var reader = Caller.Account(Permission.Read, "token:trace-test");
        var stores = new List<string>();
        var onSecond = 0;
        for (var i = 0; i < 6; i++)
        {
            var store = await api.CreateStoreAsync(account);
            var grain = grains.GetGrain<IStoreGrain>(Guid.ParseExact(store, "N"));
            if (i % 2 == 1)
            {
                // A placement hint steers where a new activation goes: every other store lives on the second silo.
                RequestContext.Set(IPlacementDirector.PlacementHintKey, second);
            }

            Assert.True((await grain.GetAsync(reader, Guid.ParseExact(account.Id, "N"))).Succeeded);
            RequestContext.Clear();
            onSecond += second.Equals(await management.GetActivationAddress(grain)) ? 1 : 0;
            await api.CreateSecretAsync(account, store, "TRACED");
            stores.Add(store);
        }

        Assert.True(onSecond > 0, "no store grain was placed on the second silo; the test would prove nothing across silos");
        await Task.Delay(500);
        foreach (var store in stores)
        {
            var request = Assert.Single(stopped, x => x.Source.Name == "Microsoft.AspNetCore"
                && x.GetTagItem("url.path") is string path && path.EndsWith($"/stores/{store}/secrets", StringComparison.Ordinal));
            // The commit ran on the silo that holds the store's grain, and is still in the request's trace.
            Assert.Contains(stopped, x => x.Source.Name == SecretsStoreActivities.SourceName && x.TraceId == request.TraceId);
        }
    }
}
