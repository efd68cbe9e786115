using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Security;

/// <summary>
/// Review finding 7: a write principal, who may never read a value, must not learn one by guessing. The attack was to
/// duplicate the secret and PATCH the copy with a guess: <c>modified</c> stayed put exactly when the guess was right.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class PatchOracleTests(AppFixture app)
{
    private const string Value = "pin-4711";

    [Fact]
    public async Task PatchingADuplicateWithItsOwnValueMovesModifiedAndAnswersAsAWrongGuessDoes()
    {
        var account = await app.NewAccountAsync();
        var store = await app.Api.CreateStoreAsync(account);
        var target = await app.Api.CreateSecretAsync(account, store, "TARGET", Value);
        var right = await DuplicateAsync(account, store, target, "RIGHT_GUESS");
        var wrong = await DuplicateAsync(account, store, target, "WRONG_GUESS");
        var (versionBefore, sealedBefore) = await StoredAsync(store, right);

        var rightAnswer = await app.Api.PatchAsync(PathOf(account, store, right), account.WriteToken, new { value = Value });
        var (versionAfter, sealedAfter) = await StoredAsync(store, right);
        var wrongAnswer = await app.Api.PatchAsync(PathOf(account, store, wrong), account.WriteToken, new { value = "pin-0000" });

        Assert.Equal(200, rightAnswer.Status);
        Assert.NotEqual(Modified(right), rightAnswer.Result.GetProperty("modified").GetString());
        Assert.NotEqual(Modified(wrong), wrongAnswer.Result.GetProperty("modified").GetString());
        Assert.Equal(Shape(wrongAnswer), Shape(rightAnswer));

        // It was a change like any other: the value was sealed again and the store moved one version on.
        Assert.Equal(versionBefore + 1, versionAfter);
        Assert.NotEqual(sealedBefore, sealedAfter);
    }

    private async Task<JsonElement> DuplicateAsync(TestAccount account, string store, JsonElement source, string name)
    {
        var copy = await app.Api.PostAsync($"{PathOf(account, store, source)}/duplicate", account.WriteToken, new { name, scopes = new[] { "workers" } });
        Assert.True(copy.Status == 200, $"duplicate answered {copy.Status}: {copy.Body}");
        return copy.Result;
    }

    private static string PathOf(TestAccount account, string store, JsonElement secret) =>
        $"{account.Base}/stores/{store}/secrets/{secret.GetProperty("id").GetString()}";

    private static string? Modified(JsonElement secret) => secret.GetProperty("modified").GetString();

    /// <summary>
    /// The answer with what names the copy (id, name) and the times left out, but whether <c>modified</c> moved
    /// kept: all that an answer to a right and to a wrong guess could differ in.
    /// </summary>
    private static string Shape(ApiResponse answer)
    {
        var envelope = JsonNode.Parse(answer.Body.GetRawText())!.AsObject();
        var result = envelope["result"]!.AsObject();
        var moved = result["modified"]!.GetValue<string>() != result["created"]!.GetValue<string>();
        foreach (var field in new[] { "id", "name", "created" })
        {
            result[field] = "…";
        }

        result["modified"] = moved ? "moved" : "kept";
        return $"{answer.Status} {answer.ContentType} {envelope.ToJsonString()}";
    }

    /// <summary>The store's version and the copy's ciphertext, as the database holds them.</summary>
    private async Task<(long Version, byte[] Sealed)> StoredAsync(string store, JsonElement secret)
    {
        await using var db = NpgsqlDataSource.Create(app.Settings.ConnectionString);
        await using var command = db.CreateCommand("""
            SELECT st.version, s.sealed_value FROM stores st JOIN secrets s ON s.store_id = st.id WHERE st.id = $1 AND s.id = $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = Guid.ParseExact(store, "N") });
        command.Parameters.Add(new NpgsqlParameter { Value = Guid.ParseExact(secret.GetProperty("id").GetString()!, "N") });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "the copy has no row");
        return (reader.GetInt64(0), reader.GetFieldValue<byte[]>(1));
    }
}
