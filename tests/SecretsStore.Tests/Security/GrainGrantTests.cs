using Npgsql;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Security;

/// <summary>
/// The grains check again what the gateway checks (review findings 1, 3 and 14), so a call that reaches a silo with a
/// caller the gateway would never have let through still gets nowhere.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class GrainGrantTests(GrainClusterFixture fixture)
{
    private static readonly Caller Writer = Caller.Account(Permission.Write, "token:grain-grants");

    private static NewSecret Secret(string name) => new(name, new SecretValue("grain-value"), ["workers"], null);

    [Fact]
    public async Task AServiceCallerNotGrantedTheAccountIsAnsweredAsIfTheAccountDidNotExist()
    {
        var account = await fixture.NewAccountAsync();
        var store = (await fixture.Grains.GetGrain<IAccountGrain>(account).CreateStoreAsync(Writer, "victim")).Value!.Id;
        var secret = (await fixture.Grains.GetGrain<IStoreGrain>(store).CreateSecretsAsync(Writer, account, [Secret("KEY")])).Value![0].Id;
        // What a gateway would hand a service granted another account: its scopes match the secret's.
        var stranger = Caller.Service("stranger", ["workers"], AccountGrants.Only(Guid.NewGuid()));
        var grain = fixture.Grains.GetGrain<IStoreGrain>(store);
        var accountGrain = fixture.Grains.GetGrain<IAccountGrain>(account);

        StoreError?[] refusals =
        [
            (await grain.ReadValueAsync(stranger, account, secret)).Error,
            (await grain.ReadValueByNameAsync(stranger, account, "KEY")).Error,
            (await grain.GetAsync(stranger, account)).Error,
            (await grain.ListSecretsAsync(stranger, account, new ListRequest())).Error,
            (await grain.CreateSecretsAsync(stranger, account, [Secret("PLANTED")])).Error,
            (await grain.DeleteSecretAsync(stranger, account, secret)).Error,
            (await accountGrain.CreateStoreAsync(stranger, "planted", 1)).Error,
            (await accountGrain.ListStoresAsync(stranger, new ListRequest())).Error,
            (await accountGrain.DeleteStoreAsync(stranger, store, force: true)).Error,
        ];

        Assert.All(refusals, refusal => Assert.Equal(Errors.AccountNotFound(), refusal));
        Assert.True((await grain.GetSecretAsync(Writer, account, secret)).Succeeded);
        Assert.Equal(["victim"], (await accountGrain.ListStoresAsync(Writer, new ListRequest())).Value!.Items.Select(s => s.Name));
    }

    [Fact]
    public async Task NoStoreIsMadeInAnAccountThatDoesNotExist()
    {
        // As a token still cached on another node, or a system route's existence check, a moment after the delete.
        var gone = Guid.NewGuid();
        var created = await fixture.Grains.GetGrain<IAccountGrain>(gone).CreateStoreAsync(Writer, "orphan");

        Assert.Equal(Errors.AccountNotFound(), created.Error);
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM stores WHERE account_id = $1", gone));
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM account_quotas WHERE account_id = $1", gone));
    }

    [Fact]
    public async Task OnlyTheOperatorMayRotateOrListTheMasterKeys()
    {
        var keys = fixture.Grains.GetGrain<IMasterKeysGrain>(0);
        foreach (var caller in new[] { Writer, Caller.Service("forged", ["workers"], AccountGrants.All) })
        {
            Assert.Equal(Errors.AdminRoutesNeedAdminToken(), (await keys.RotateAsync(caller)).Error);
            Assert.Equal(Errors.AdminRoutesNeedAdminToken(), (await keys.ListAsync(caller)).Error);
        }

        Assert.True((await keys.ListAsync(Caller.Operator)).Succeeded);
    }

    private async Task<long> CountAsync(string sql, Guid accountId)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new NpgsqlParameter { Value = accountId } } };
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
