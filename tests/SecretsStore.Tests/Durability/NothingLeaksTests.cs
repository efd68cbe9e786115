using Microsoft.Extensions.Logging;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Durability;

/// <summary>
/// With every log level on (Trace included), request logs and tracing on, no log line holds a secret value or a token,
/// whatever the requests did: not in what loggers are handed, and not in what the console prints in either format.
/// </summary>
public sealed class NothingLeaksTests
{
    [Fact]
    public async Task LogsAtEveryLevelNeverContainAValueOrAToken()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("leaks"));
        var logs = new CapturingLoggerProvider();
        SecretWorkload workload;
        await using (var app = await TestHost.StartAsync(settings, builder =>
        {
            // Only to the capture: at Trace the console would bury the test run's own log.
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
        }, VerboseTelemetry.Args))
        {
            using var http = new HttpClient { BaseAddress = app.BaseAddress };
            workload = await SecretWorkload.RunAsync(new ApiClient(http), settings);
        }

        var text = logs.Text;
        // The capture saw the host: Orleans at work, every request, and our request lines with who asked.
        Assert.Contains("Orleans", text);
        Assert.Contains("/secrets_store/stores/", text);
        Assert.Contains($"{Api.Observability.RequestLog.Category} [Information] POST /client/v4/accounts/{{account_id}}/secrets_store/stores/{{store_id}}/secrets/ answered 200 in ", text);
        Assert.Contains("principal account_token", text);
        Assert.Contains($"account {workload.Account.Id}", text);
        foreach (var needle in workload.Secrets(settings))
        {
            Assert.DoesNotContain(needle, text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("simple")]
    [InlineData("json")]
    public async Task TheConsoleInEitherFormatNeverShowsAValueOrAToken(string format)
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("leaks"));
        SecretWorkload workload;
        string output;
        await using (var silo = await SiloProcess.StartAsync(settings, $"leaks-{Guid.NewGuid():N}", [.. VerboseTelemetry.Args, $"--Logging:Console:FormatterName={format}"]))
        {
            using var http = new HttpClient { BaseAddress = silo.BaseAddress };
            workload = await SecretWorkload.RunAsync(new ApiClient(http), settings);
            await silo.TerminateAsync(TimeSpan.FromSeconds(60));
            output = silo.Output;
        }

        Assert.Contains(format == "json" ? "\"Category\":\"SecretsStore.Requests\"" : "SecretsStore.Requests", output);
        Assert.Contains(workload.Account.Id, output);
        foreach (var needle in workload.Secrets(settings))
        {
            Assert.DoesNotContain(needle, output, StringComparison.Ordinal);
        }
    }
}
