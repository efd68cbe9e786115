using SecretsStore.Silo.Hosting;
using SecretsStore.Silo.Hosting.Development;
using SecretsStore.Tests.Infrastructure;
using static SecretsStore.Tests.Keys.RotationWorld;

namespace SecretsStore.Tests.Keys;

/// <summary>
/// A development run keeps its master keys in its data folder: rotating there generates the new key into that file,
/// and once the old key is retired, the README's removal step leaves a run that still reads every value.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Collection(FaultCollection.Name)]
public sealed class DevelopmentRotationTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"secretsstore-devkeys-{Guid.NewGuid():N}");

    private string KeyFile => Path.Combine(_data, DevelopmentMasterKeyFile.FileName);

    [Fact]
    public async Task RotatingGeneratesAKeyIntoTheDataFolderAndTheRetiredKeyCanThenBeRemovedFromIt()
    {
        TestAccount account;
        WrittenSecret secret;
        string oldLine;
        string newLine;
        await using (var app = await StartAsync())
        {
            using var http = new HttpClient { BaseAddress = app.BaseAddress };
            var api = new ApiClient(http);
            var admin = app.Credentials!.AdminToken;
            account = new TestAccount(app.Credentials.AccountId, app.Credentials.AccountToken, app.Credentials.AccountToken);
            var store = await api.CreateStoreAsync(account, "rotated");
            var value = $"dev-value-{Guid.NewGuid():N}";
            secret = new WrittenSecret(store, (await api.CreateSecretAsync(account, store, "DEV", value)).GetProperty("id").GetString()!, value);
            oldLine = Assert.Single(await File.ReadAllLinesAsync(KeyFile));

            var rotated = await api.PostAsync("/admin/v1/keys/rotate", admin, null);

            Assert.True(rotated.Status == 200, $"rotate answered {rotated.Status}: {rotated.Body}");
            var lines = await File.ReadAllLinesAsync(KeyFile);
            Assert.Equal(2, lines.Length);
            Assert.Equal(oldLine, lines[0]);
            newLine = lines[1];
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));
            var current = rotated.Result.EnumerateArray().Single(k => k.GetProperty("state").GetString() == "current");
            Assert.Equal(FingerprintOf(newLine), current.GetProperty("fingerprint").GetString());
            AssertNoneIn(rotated.Body.GetRawText(), [oldLine, newLine], "the rotate answer");

            await WaitUntilAsync(async () => (await api.GetAsync("/admin/v1/keys", admin)).Result.EnumerateArray()
                .Any(k => k.GetProperty("fingerprint").GetString() == FingerprintOf(oldLine) && k.GetProperty("state").GetString() == "retired"),
                TimeSpan.FromSeconds(60), "the old key is retired");
        }

        // The README's step once a key is retired: delete its line.
        await File.WriteAllTextAsync(KeyFile, newLine + "\n");

        await using (var again = await StartAsync())
        {
            using var http = new HttpClient { BaseAddress = again.BaseAddress };
            var api = new ApiClient(http);
            await AssertServiceReadsEveryValueAsync(api, again.Credentials!.AdminToken, account, [secret]);
            var old = (await api.GetAsync("/admin/v1/keys", again.Credentials!.AdminToken)).Result.EnumerateArray()
                .Single(k => k.GetProperty("fingerprint").GetString() == FingerprintOf(oldLine));
            Assert.Equal(("retired", false), (old.GetProperty("state").GetString(), old.GetProperty("configured").GetBoolean()));
        }
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

    private async Task<SecretsStoreApp> StartAsync()
    {
        var app = await SecretsStoreApp.CreateAsync(
        [
            $"--SECRETSSTORE_DATA={_data}",
            "--urls=http://127.0.0.1:0",
            $"--Orleans:SiloPort={FreePort.Next()}",
            $"--Orleans:GatewayPort={FreePort.Next()}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.Web.StartAsync();
        return app;
    }
}
