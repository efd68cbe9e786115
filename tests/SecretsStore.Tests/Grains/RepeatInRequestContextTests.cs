using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Persistence.Audit;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Grains;

/// <summary>
/// The gateway's repeat of a call whose first send failed on storage, end to end through Orleans: the retry filter
/// (<c>RepeatUnprocessedCalls</c>) sets the next attempt in the request context before it sends the call again, and the
/// store grain, on the activation that reloaded the store, resolves the repeat by the request id it carries. The first
/// send is fenced (the store's version moved on under its activation: nothing commits); a record of the request's
/// delete put in the trail beforehand stands for a first run that did commit, so only a repeat that carries its attempt
/// answers from it instead of deleting the secret.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class RepeatInRequestContextTests(AppFixture fixture)
{
    private static readonly Caller Writer = Caller.Account(Permission.Write, "token:repeat-test");

    private IGrainFactory Grains => fixture.App.Web.Services.GetRequiredService<IGrainFactory>();

    [Fact]
    public async Task ARepeatCarriesItsAttemptInTheRequestContextAndIsAnsweredFromWhatItsRequestCommitted()
    {
        var (account, store, secret) = await NewSecretAsync();
        var request = NewRequest(account);
        await fixture.App.Web.Services.GetRequiredService<AuditLog>().AppendAsync(AuditRecord.Of(
            DateTime.UtcNow, account, Writer, request.RequestId, AuditActions.SecretDelete, null, allowedStatus: 202, storeId: store, secretId: secret));
        await MoveTheStoreOnAsync(store);

        var answered = await DeleteAsync(request, account, store, secret);

        Assert.True(answered.Succeeded, answered.Error?.Message);
        Assert.Contains(secret, await SecretIdsAsync(account, store));
    }

    [Fact]
    public async Task ARepeatWhoseRequestCommittedNothingRunsOnTheReloadedStore()
    {
        var (account, store, secret) = await NewSecretAsync();
        await MoveTheStoreOnAsync(store);

        var answered = await DeleteAsync(NewRequest(account), account, store, secret);

        Assert.True(answered.Succeeded, answered.Error?.Message);
        Assert.DoesNotContain(secret, await SecretIdsAsync(account, store));
    }

    private static AuditedRequest NewRequest(Guid account) =>
        new(Guid.NewGuid().ToString("N"), 1, Writer.PrincipalId, account, AuditActions.SecretDelete, DateTime.UtcNow);

    /// <summary>Deletes the secret as a gateway's handler does: through the gateway's filters, within its audited request.</summary>
    private async Task<Outcome<Done>> DeleteAsync(AuditedRequest request, Guid account, Guid store, Guid secret)
    {
        request.Enter();
        try
        {
            var answered = await Grains.GetGrain<IStoreGrain>(store).DeleteSecretAsync(Writer, account, secret);
            Assert.Same(request, AuditedRequest.Current); // the repeat's attempt stayed in the filter's own flow
            return answered;
        }
        finally
        {
            AuditedRequest.Leave();
        }
    }

    /// <summary>A store with one secret, its grain active on the version that made the secret.</summary>
    private async Task<(Guid Account, Guid Store, Guid Secret)> NewSecretAsync()
    {
        var tenant = await fixture.NewAccountAsync();
        var store = await fixture.Api.CreateStoreAsync(tenant);
        var secret = await fixture.Api.CreateSecretAsync(tenant, store, "REPEATED");
        return (Guid.Parse(tenant.Id), Guid.Parse(store), Guid.Parse(secret.GetProperty("id").GetString()!));
    }

    /// <summary>As another activation's commit would: the active one's next commit is fenced and writes nothing.</summary>
    private async Task MoveTheStoreOnAsync(Guid store)
    {
        await using var connection = new NpgsqlConnection(fixture.Settings.ConnectionString);
        await connection.OpenAsync();
        await using var bump = new NpgsqlCommand("UPDATE stores SET version = version + 1 WHERE id = $1", connection);
        bump.Parameters.AddWithValue(store);
        Assert.Equal(1, await bump.ExecuteNonQueryAsync());
    }

    private async Task<IEnumerable<Guid>> SecretIdsAsync(Guid account, Guid store) =>
        (await Grains.GetGrain<IStoreGrain>(store).ListSecretsAsync(Writer, account, new ListRequest())).Value!.Items.Select(s => s.Id);
}
