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
        // A name the script would refuse, but this service may not read it: it is none of the command's business.
        await app.Api.CreateSecretAsync(account, second, "LD_PRELOAD", "/tmp/not-for-workers.so", ["ai_gateway"]);

        var run = await WithSecretsScript.RunAsync(app.App.BaseAddress, account.Id, account.ReadToken, consumer.Token,
            ["bash", "-c", "printf '%s|%s|%s|%s|%s' \"$DATABASE_URL\" \"$MULTILINE\" \"${GATEWAY_ONLY-unset}\" \"${LIST_TOKEN-unset}\" \"${SERVICE_TOKEN-unset}\""]);

        Assert.True(run.ExitCode == 0, run.Errors);
        // The command gets its secrets, not the tokens that read them.
        Assert.Equal($"postgres://u:p@db/app|{multiline}|unset|unset|unset", run.Output);
        // The secrets this service may not read (404 to it) are passed over in silence: no curl line, no warning.
        Assert.Equal("", run.Errors);
    }
}
