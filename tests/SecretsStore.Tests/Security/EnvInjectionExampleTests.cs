using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Security;

/// <summary>
/// Review finding 12: the consumer example exported every secret it could read under the secret's own name, and a
/// secret's name is chosen by whoever creates it (any write token of the account, or a service whose stores match
/// the scopes). <c>LD_PRELOAD</c>, <c>NODE_OPTIONS</c> or <c>BASH_ENV</c> then ran their code in the command. Its tokens
/// also went on curl's command line, where any local user could read them.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Collection(AppCollection.Name)]
public sealed class EnvInjectionExampleTests(AppFixture app)
{
    private const string Canary = "canary-env-0c5f7a";

    [Theory]
    [InlineData("LD_PRELOAD", "dynamic linker")]
    [InlineData("LD_LIBRARY_PATH", "dynamic linker")]
    [InlineData("DYLD_INSERT_LIBRARIES", "macOS dynamic linker")]
    [InlineData("GCONV_PATH", "C library")]
    [InlineData("GLIBC_TUNABLES", "C library")]
    [InlineData("NODE_OPTIONS", "Node.js")]
    [InlineData("BASH_ENV", "shell")]
    [InlineData("ENV", "shell")]
    [InlineData("PATH", "shell")]
    [InlineData("IFS", "shell")]
    [InlineData("SHELLOPTS", "shell")]
    [InlineData("PS4", "shell")]
    [InlineData("PYTHONPATH", "Python")]
    [InlineData("PYTHONSTARTUP", "Python")]
    [InlineData("PERL5OPT", "Perl")]
    [InlineData("RUBYOPT", "Ruby")]
    [InlineData("JAVA_TOOL_OPTIONS", "Java")]
    [InlineData("CLASSPATH", "Java")]
    [InlineData("DOTNET_STARTUP_HOOKS", ".NET")]
    [InlineData("GIT_SSH_COMMAND", "git")]
    [InlineData("EDITOR", "as a command")]
    [InlineData("HTTPS_PROXY", "proxy")]
    [InlineData("_ws_names", "this script's own")]
    public async Task ANameThatWouldChangeHowTheCommandRunsIsRefusedAndTheCommandDoesNotRun(string name, string why)
    {
        var (account, consumer, store) = await NewConsumerAsync();
        await app.Api.CreateSecretAsync(account, store, "HARMLESS", $"{Canary}-harmless", ["workers"]);
        await app.Api.CreateSecretAsync(account, store, name, $"{Canary}-{name}", ["workers"]);
        var marker = Path.Combine(Path.GetTempPath(), $"with-secrets-ran-{Guid.NewGuid():N}");

        var run = await WithSecretsScript.RunAsync(app.App.BaseAddress, account.Id, account.ReadToken, consumer.Token, ["touch", marker]);

        Assert.Equal(1, run.ExitCode);
        Assert.False(File.Exists(marker), "the command ran");
        Assert.Contains($"refusing secret {name} (store ", run.Errors, StringComparison.Ordinal);
        Assert.Contains(why, run.Errors, StringComparison.Ordinal);
        Assert.Contains("the command was not run", run.Errors, StringComparison.Ordinal);
        Assert.Equal("", run.Output);
        Assert.DoesNotContain(Canary, run.Printed, StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 17: a store's names may hold <c>-</c> and start with a digit, which no environment variable can. Such a
    /// secret is not the command's to have, so it is skipped (its value never even read) with one warning naming every
    /// one of them, and the command runs with the rest. Before, the first one aborted the run, and bash's own error
    /// printed its value.
    /// </summary>
    [Fact]
    public async Task SecretsWhoseNamesCannotBeVariablesAreSkippedWithOneWarningAndTheirValuesAreNeverRead()
    {
        var (account, consumer, store) = await NewConsumerAsync();
        await app.Api.CreateSecretAsync(account, store, "HARMLESS", "harmless-value", ["workers"]);
        string[] skipped = ["database-url", "2FA_SEED", "api-key-for-ai"];
        foreach (var name in skipped)
        {
            await app.Api.CreateSecretAsync(account, store, name, $"{Canary}-{name}", name == "api-key-for-ai" ? ["ai_gateway"] : ["workers"]);
        }

        var run = await WithSecretsScript.RunAsync(app.App.BaseAddress, account.Id, account.ReadToken, consumer.Token,
            ["bash", "-c", "printf %s \"$HARMLESS\""]);

        Assert.True(run.ExitCode == 0, run.Errors);
        Assert.Equal("harmless-value", run.Output);
        var warning = Assert.Single(run.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("with-secrets: skipping 3 secret(s) whose names cannot be environment variables (letters, digits and _, not starting with a digit): ", warning, StringComparison.Ordinal);
        foreach (var name in skipped)
        {
            Assert.Contains($"{name} (store ", warning, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(Canary, run.Printed, StringComparison.Ordinal);
        // Only HARMLESS's value was asked for: the audit trail records every value read.
        var reads = await app.Api.GetAsync($"{account.Base}/audit?action=secret.read_value", account.ReadToken);
        Assert.Equal(["HARMLESS"], reads.Result.EnumerateArray().Select(r => r.GetProperty("secret_name").GetString()));
    }

    [Fact]
    public async Task ASkippedNameDoesNotLetADangerousOneThrough()
    {
        var (account, consumer, store) = await NewConsumerAsync();
        await app.Api.CreateSecretAsync(account, store, "database-url", $"{Canary}-skipped", ["workers"]);
        await app.Api.CreateSecretAsync(account, store, "LD_PRELOAD", $"{Canary}-preload", ["workers"]);
        var marker = Path.Combine(Path.GetTempPath(), $"with-secrets-ran-{Guid.NewGuid():N}");

        var run = await WithSecretsScript.RunAsync(app.App.BaseAddress, account.Id, account.ReadToken, consumer.Token, ["touch", marker]);

        Assert.Equal(1, run.ExitCode);
        Assert.False(File.Exists(marker), "the command ran");
        Assert.Contains("skipping 1 secret(s) whose names cannot be environment variables", run.Errors, StringComparison.Ordinal);
        Assert.Contains("refusing secret LD_PRELOAD (store ", run.Errors, StringComparison.Ordinal);
        Assert.Contains("the command was not run", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, run.Printed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokensNeverAppearOnCurlsCommandLine()
    {
        var (account, consumer, store) = await NewConsumerAsync();
        await app.Api.CreateSecretAsync(account, store, "API_KEY", Canary, ["workers"]);
        var bin = Directory.CreateTempSubdirectory("with-secrets-argv-");
        try
        {
            // A curl first on PATH that writes down the arguments it was given, then becomes the real curl.
            var log = Path.Combine(bin.FullName, "argv.log");
            var wrapper = Path.Combine(bin.FullName, "curl");
            await File.WriteAllTextAsync(wrapper, $"#!/usr/bin/env bash\nprintf '%s\\n' \"$*\" >> '{log}'\nexec '{RealCurl()}' \"$@\"\n");
            File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var path = $"{bin.FullName}:{Environment.GetEnvironmentVariable("PATH")}";

            var run = await WithSecretsScript.RunAsync(app.App.BaseAddress, account.Id, account.ReadToken, consumer.Token,
                ["bash", "-c", "printf %s \"$API_KEY\""], new Dictionary<string, string> { ["PATH"] = path });

            Assert.True(run.ExitCode == 0, run.Errors);
            Assert.Equal(Canary, run.Output);
            var calls = await File.ReadAllLinesAsync(log);
            Assert.True(calls.Length >= 4, $"curl was called {calls.Length} times: stores, secrets, the end of each list and a value");
            Assert.All(calls, call =>
            {
                Assert.DoesNotContain(account.ReadToken, call, StringComparison.Ordinal);
                Assert.DoesNotContain(consumer.Token, call, StringComparison.Ordinal);
                Assert.DoesNotContain("Bearer", call, StringComparison.Ordinal);
            });
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }

    public static TheoryData<string, string> Failures() => new()
    {
        { "list", "listing stores failed: HTTP 401" },
        { "read", "reading secret API_KEY (store " },
        { "unreachable", "listing stores failed: no answer from" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task AFailedListOrReadStopsEverythingAndPrintsNoTokenOrValue(string failing, string message)
    {
        var (account, consumer, store) = await NewConsumerAsync();
        await app.Api.CreateSecretAsync(account, store, "API_KEY", Canary, ["workers"]);
        var marker = Path.Combine(Path.GetTempPath(), $"with-secrets-ran-{Guid.NewGuid():N}");
        var (service, listToken, serviceToken) = failing switch
        {
            "list" => (app.App.BaseAddress, account.ReadToken + "x", consumer.Token),
            "read" => (app.App.BaseAddress, account.ReadToken, consumer.Token + "x"),
            _ => (new Uri($"http://127.0.0.1:{FreePort.Next()}"), account.ReadToken, consumer.Token),
        };

        var run = await WithSecretsScript.RunAsync(service, account.Id, listToken, serviceToken, ["touch", marker]);

        Assert.Equal(1, run.ExitCode);
        Assert.False(File.Exists(marker), "the command ran");
        Assert.Contains(message, run.Errors, StringComparison.Ordinal);
        Assert.Contains("the command was not run", run.Errors, StringComparison.Ordinal);
        foreach (var secret in new[] { Canary, account.ReadToken, consumer.Token })
        {
            Assert.DoesNotContain(secret, run.Printed, StringComparison.Ordinal);
        }
    }

    private async Task<(TestAccount Account, TestService Consumer, string Store)> NewConsumerAsync()
    {
        var account = await app.NewAccountAsync();
        var consumer = await app.NewServiceAsync(["workers"]);
        return (account, consumer, await app.Api.CreateStoreAsync(account));
    }

    private static string RealCurl() =>
        Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(dir => Path.Combine(dir, "curl")).First(File.Exists);
}
