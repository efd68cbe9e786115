using System.Diagnostics;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Clients;

/// <summary>
/// The official `cloudflare` npm SDK drives the running service (tests/clients/sdk-smoke.test.mjs): the real
/// client, not our reading of the spec, judges the wire format.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class CloudflareSdkTests(ServiceFixture service)
{
    [Fact]
    public async Task TheCloudflareSdkWorksAgainstTheService()
    {
        var clients = RepositoryPaths.Clients();

        var account = await service.NewAccountAsync();
        var start = new ProcessStartInfo("node", ["--test", "--test-reporter=spec", "sdk-smoke.test.mjs"])
        {
            WorkingDirectory = clients,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["SECRETSSTORE_BASE_URL"] = new Uri(service.App.BaseAddress, "/client/v4").ToString().TrimEnd('/'),
                ["SECRETSSTORE_ACCOUNT_ID"] = account.Id,
                ["SECRETSSTORE_ACCOUNT_TOKEN"] = account.WriteToken,
            },
        };
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(node.ExitCode == 0, $"the SDK suite failed:\n{await stdout}\n{await stderr}");
    }
}
