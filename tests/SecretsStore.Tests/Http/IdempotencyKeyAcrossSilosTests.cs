using System.Text.Json;
using SecretsStore.Api.Idempotency;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Http;

/// <summary>
/// docs/api.md, "Idempotency-Key": a key is known cluster-wide. A repeat through another silo's gateway replays the
/// first answer and applies nothing again, and a repeat there with another body is 422.
/// </summary>
[Collection(TwoSiloCollection.Name)]
public sealed class IdempotencyKeyAcrossSilosTests(TwoSiloFixture cluster)
{
    private static Dictionary<string, string> Key(string key) => new() { [IdempotencyKeyHeader.Name] = key };

    private static string Secret(string name) => JsonSerializer.Serialize(new[] { new { name, value = "v", scopes = new[] { "workers" } } });

    [Fact]
    public async Task ARepeatThroughTheOtherGatewayReplaysTheFirstAnswer()
    {
        var account = await cluster.NewAccountAsync();
        var store = await cluster.A.CreateStoreAsync(account);
        var path = $"{account.Base}/stores/{store}/secrets";

        var first = await cluster.A.SendAsync(HttpMethod.Post, path, account.WriteToken, Secret("ACROSS"), headers: Key("across-1"));
        var again = await cluster.B.SendAsync(HttpMethod.Post, path, account.WriteToken, Secret("ACROSS"), headers: Key("across-1"));
        var other = await cluster.B.SendAsync(HttpMethod.Post, path, account.WriteToken, Secret("OTHER"), headers: Key("across-1"));

        Assert.Equal(200, first.Status);
        Assert.Equal((200, first.Body.GetRawText(), "true"), (again.Status, again.Body.GetRawText(), again.Header(IdempotencyKeyHeader.Replayed)));
        Assert.Equal((422, "idempotency_key_reused"), (other.Status, other.ErrorToken));
        Assert.Equal(["ACROSS"], (await cluster.B.GetAsync(path, account.ReadToken)).Names());
    }
}
