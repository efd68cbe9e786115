using System.Diagnostics;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Audit;

/// <summary>The README's consumer example runs as written: a command gets exactly the secrets its service may read.</summary>
[Collection(ServiceCollection.Name)]
public sealed class ConsumerExampleTests(ServiceFixture service)
{
    [Fact]
    public async Task TheScriptPutsEverySecretAWorkersServiceMayReadAndNoOtherIntoTheCommandsEnvironment()
    {
        var account = await service.NewAccountAsync();
        var consumer = await service.NewServiceAsync(["workers"]);
        var first = await service.Api.CreateStoreAsync(account);
        await service.SetQuotaAsync(account, secrets: null, stores: 2);
        var second = await service.Api.CreateStoreAsync(account);
        var multiline = $"line one\nline \"two\" $HOME\n";
        await service.Api.CreateSecretAsync(account, first, "DATABASE_URL", "postgres://u:p@db/app", ["workers"]);
        await service.Api.CreateSecretAsync(account, second, "MULTILINE", multiline, ["workers", "ai_gateway"]);
        await service.Api.CreateSecretAsync(account, second, "GATEWAY_ONLY", "not for workers", ["ai_gateway"]);

        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(RepositoryPaths.Root(), "examples", "with-secrets.sh"));
        foreach (var arg in new[] { "--", "bash", "-c", "printf '%s|%s|%s' \"$DATABASE_URL\" \"$MULTILINE\" \"${GATEWAY_ONLY-unset}\"" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["BASE"] = new Uri(service.App.BaseAddress, "/client/v4").ToString();
        start.Environment["ACCOUNT"] = account.Id;
        start.Environment["LIST_TOKEN"] = account.ReadToken;
        start.Environment["SERVICE_TOKEN"] = consumer.Token;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, errors);
        Assert.Equal($"postgres://u:p@db/app|{multiline}|unset", output);
    }
}
