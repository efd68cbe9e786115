using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Logging;
using SecretsStore.Api.Wire;
using SecretsStore.Grains.Abstractions;

namespace SecretsStore.UnitTests.Security;

/// <summary>
/// Review finding 17: during an outage each request logged its decoded path, so a path with <c>%0A</c> in it wrote a
/// line of the client's choosing into the log. The line names the route's template instead.
/// </summary>
public sealed class UnavailableLogTests
{
    [Fact]
    public async Task AnOutageLogsTheRouteTemplateAndNothingOfThePathSent()
    {
        var logger = new Lines();
        var middleware = new UnavailableDependencyMiddleware(_ => throw new StorageUnavailableException(), logger);
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };
        context.Request.Method = "GET";
        context.Request.Path = "/client/v4/accounts/x\n2099-01-01 FORGED admin logged in/secrets_store/stores";
        context.SetEndpoint(new RouteEndpoint(
            _ => Task.CompletedTask, RoutePatternFactory.Parse("/client/v4/accounts/{account_id}/secrets_store/stores"), 0, null, "stores"));

        await middleware.InvokeAsync(context);

        Assert.Equal(503, context.Response.StatusCode);
        var line = Assert.Single(logger.Written);
        Assert.Equal("GET /client/v4/accounts/{account_id}/secrets_store/stores answered 503: StorageUnavailableException", line);
    }

    [Fact]
    public async Task AnOutageOnNoRouteLogsADash()
    {
        var logger = new Lines();
        var middleware = new UnavailableDependencyMiddleware(_ => throw new StorageUnavailableException(), logger);
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };
        context.Request.Method = "GET";
        context.Request.Path = "/x\nFORGED";

        await middleware.InvokeAsync(context);

        Assert.DoesNotContain("FORGED", Assert.Single(logger.Written), StringComparison.Ordinal);
    }

    private sealed class Lines : ILogger<UnavailableDependencyMiddleware>
    {
        public List<string> Written { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Written.Add(formatter(state, exception));
    }
}
