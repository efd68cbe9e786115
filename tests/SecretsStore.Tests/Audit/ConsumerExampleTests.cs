using System.Diagnostics;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Audit;

/// <summary>The README's consumer example runs as written: a command gets exactly the secrets its service may read.</summary>
[Collection(AppCollection.Name)]
public sealed class ConsumerExampleTests(AppFixture app)
{
    [Fact]
    public async Task TheScriptPutsEverySecretAWorkersServiceMayReadAndNoOtherIntoTheCommandsEnvironment()
    {
        var account = await app.NewAccountAsync();
        var consumer = await app.NewServiceAsync(["workers"]);
        var first = await app.Api.CreateStoreAsync(account);
        await app.SetQuotaAsync(account, secrets: null, stores: 2);
        var second = await app.Api.CreateStoreAsync(account);
        var multiline = $"line one\nline \"two\" $HOME\n";
        await app.Api.CreateSecretAsync(account, first, "DATABASE_URL", "postgres://u:p@db/app", ["workers"]);
        await app.Api.CreateSecretAsync(account, second, "MULTILINE", multiline, ["workers", "ai_gateway"]);
        await app.Api.CreateSecretAsync(account, second, "GATEWAY_ONLY", "not for workers", ["ai_gateway"]);

        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(RepositoryPaths.Root(), "examples", "with-secrets.sh"));
        foreach (var arg in new[] { "--", "bash", "-c", "printf '%s|%s|%s' \"$DATABASE_URL\" \"$MULTILINE\" \"${GATEWAY_ONLY-unset}\"" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["BASE"] = new Uri(app.App.BaseAddress, "/client/v4").ToString();
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
