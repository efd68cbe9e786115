using SecretsStore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SecretsStore.Tests.Clients;

/// <summary>
/// Real clients judge the wire format, not our reading of the spec: the Node suites in tests/clients drive the
/// running service — sdk-conformance.test.mjs through the official `cloudflare` npm SDK, system-routes.test.mjs
/// with plain fetch (no SDK has the system routes), audit-log.test.mjs through the SDK's accounts.logs.audit.list. This driver provisions what they need through the admin
/// routes and hands it over in SECRETSSTORE_* variables.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class CloudflareSdkTests(AppFixture app, ITestOutputHelper output)
{
    private static readonly TimeSpan TimeBound = TimeSpan.FromMinutes(3);

    [Theory]
    [InlineData("sdk-conformance.test.mjs")]
    [InlineData("system-routes.test.mjs")]
    [InlineData("audit-log.test.mjs")]
    public async Task TheClientSuitePasses(string suite)
    {
        await ClientSuite.AssertPassesAsync(suite, await ProvisionAsync(app), TimeBound, output);
    }

    /// <summary>
    /// Fresh accounts and services for one suite run: the account (write and read token, a legacy key, room for
    /// the conformance suite's three stores), a second account for the 403 cases, and two services granted only the
    /// first account, so that the second is one they may not see.
    /// </summary>
    internal static async Task<Dictionary<string, string>> ProvisionAsync(AppFixture app)
    {
        var account = await app.NewAccountAsync();
        var other = await app.NewAccountAsync();
        await app.SetQuotaAsync(account, secrets: 200, stores: 5);
        var (email, key) = await app.NewKeyAsync(account.Id);

        var owner = await app.NewServiceAsync(accounts: [account.Id]);
        var stranger = await app.NewServiceAsync(accounts: [account.Id]);

        return new Dictionary<string, string>
        {
            ["SECRETSSTORE_BASE_URL"] = ClientSuite.BaseUrl(app),
            ["SECRETSSTORE_ACCOUNT_ID"] = account.Id,
            ["SECRETSSTORE_ACCOUNT_TOKEN"] = account.WriteToken,
            ["SECRETSSTORE_READ_TOKEN"] = account.ReadToken,
            ["SECRETSSTORE_AUTH_EMAIL"] = email,
            ["SECRETSSTORE_AUTH_KEY"] = key,
            ["SECRETSSTORE_OTHER_ACCOUNT_ID"] = other.Id,
            ["SECRETSSTORE_SERVICE_NAME"] = owner.Name,
            ["SECRETSSTORE_SERVICE_TOKEN"] = owner.Token,
            ["SECRETSSTORE_OTHER_SERVICE_TOKEN"] = stranger.Token,
        };
    }
}
