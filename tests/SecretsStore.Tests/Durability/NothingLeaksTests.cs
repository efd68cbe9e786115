using Microsoft.Extensions.Logging;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Durability;

/// <summary>With every log level on, no log line holds a secret value or a token, whatever the requests did.</summary>
public sealed class NothingLeaksTests
{
    [Fact]
    public async Task LogsAtEveryLevelNeverContainAValueOrAToken()
    {
        var settings = TestHostSettings.For(await SharedPostgres.CreateDatabaseAsync("leaks"));
        var logs = new CapturingLoggerProvider();
        var value = $"canary-value-{Guid.NewGuid():N}";
        var patched = $"canary-patched-{Guid.NewGuid():N}";
        TestAccount account;
        string consumerToken;
        await using (var app = await TestHost.StartAsync(settings, builder =>
        {
            builder.Logging.AddProvider(logs);
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
        }, "--Logging:LogLevel:Default=Trace", "--Logging:LogLevel:Orleans=Trace",
            // Off by default (appsettings.json); it logs every request, so it is on here.
            "--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Trace"))
        {
            using var http = new HttpClient { BaseAddress = app.BaseAddress };
            var api = new ApiClient(http);
            account = await AppFixture.NewAccountAsync(api, settings.AdminToken);
            var store = await api.CreateStoreAsync(account);
            var secrets = $"{account.Base}/stores/{store}/secrets";

            var secret = await api.CreateSecretAsync(account, store, "CANARY", value);
            var path = $"{secrets}/{secret.GetProperty("id").GetString()}";
            Assert.Equal(200, (await api.PatchAsync(path, account.WriteToken, new { value = patched })).Status);
            Assert.Equal(200, (await api.PostAsync($"{path}/duplicate", account.WriteToken, new { name = "COPY", scopes = new[] { "workers" } })).Status);

            // The value route hands the value out, and the grain that opens it logs and traces nothing of it.
            consumerToken = (await api.PostAsync("/admin/v1/services", settings.AdminToken, new { name = "leak-test", scopes = new[] { "workers" } }))
                .Result.GetProperty("token").GetString()!;
            var system = $"/client/v4/system/accounts/{account.Id}/stores/{store}/secrets";
            Assert.Equal(patched, (await api.GetAsync($"{system}/{secret.GetProperty("id").GetString()}/value", consumerToken)).Result.GetProperty("value").GetString());
            Assert.Equal(patched, (await api.GetAsync($"{system}/by-name/COPY/value", consumerToken)).Result.GetProperty("value").GetString());
            Assert.Equal(403, (await api.GetAsync($"{system}/by-name/COPY/value", account.WriteToken)).Status);

            // Refusals carry the value too: a bad scope, a duplicate name, a read token, a malformed body.
            Assert.Equal(400, (await api.PostAsync(secrets, account.WriteToken, new[] { new { name = "X", value, scopes = new[] { "mars" } } })).Status);
            Assert.Equal(409, (await api.PostAsync(secrets, account.WriteToken, new[] { new { name = "CANARY", value, scopes = new[] { "workers" } } })).Status);
            Assert.Equal(403, (await api.PostAsync(secrets, account.ReadToken, new[] { new { name = "Y", value, scopes = new[] { "workers" } } })).Status);
            Assert.Equal(400, (await api.PostAsync(secrets, account.WriteToken, $"[{{\"name\":\"Z\",\"value\":\"{value}\"")).Status);
            Assert.Equal(401, (await api.GetAsync(secrets, $"{account.WriteToken}x")).Status);
        }

        var text = logs.Text;
        // The capture saw the host: Orleans at work, and every request (its path holds no secret).
        Assert.Contains("Orleans", text);
        Assert.Contains("/secrets_store/stores/", text);
        foreach (var needle in new[] { value, patched, account.WriteToken, account.ReadToken, consumerToken, settings.AdminToken, settings.MasterKey })
        {
            Assert.DoesNotContain(needle, text, StringComparison.Ordinal);
        }
    }
}
