using System.Text.Json;
using SecretsStore.Silo.Hosting;
using SecretsStore.Silo.Hosting.Development;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Hosting;

/// <summary>The run command with its default settings: a short start, the banner last, and no line per request.</summary>
[Collection(FaultCollection.Name)]
public sealed class QuietStartTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"secretsstore-quiet-{Guid.NewGuid():N}");

    [Fact]
    public async Task ADefaultStartPrintsAFewLinesThenTheBannerAndRequestsPrintNothing()
    {
        await using var silo = await SiloProcess.StartDevelopmentRunAsync(_data);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!silo.Output.Contains("curl -s", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var credentials = JsonSerializer.Deserialize<DevelopmentCredentials>(await File.ReadAllTextAsync(Path.Combine(_data, DevelopmentCredentials.FileName)))!;
        using var http = new HttpClient { BaseAddress = silo.BaseAddress };
        var api = new ApiClient(http);
        var account = new TestAccount(credentials.AccountId, credentials.AccountToken, credentials.AccountToken);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(200, (await api.GetAsync($"{account.Base}/quota", account.ReadToken)).Status);
        }

        Assert.Equal(404, (await api.GetAsync($"{account.Base}/stores/{Guid.NewGuid():N}", account.ReadToken)).Status);
        await Task.Delay(TimeSpan.FromSeconds(1));

        var lines = silo.Output.TrimEnd().Split('\n');
        var banner = Array.FindIndex(lines, l => l.StartsWith("SecretsStore is listening", StringComparison.Ordinal));
        Assert.True(banner is >= 0 and <= 4, $"{banner} lines before the banner:\n{silo.Output}");
        Assert.StartsWith("  curl -s", lines[^1]);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }

        return Task.CompletedTask;
    }
}
