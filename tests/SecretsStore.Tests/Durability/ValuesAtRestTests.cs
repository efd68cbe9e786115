using System.Text;
using Npgsql;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Durability;

[Collection(AppCollection.Name)]
public sealed class ValuesAtRestTests(AppFixture app)
{
    [Fact]
    public async Task NoRowInAnyTableHoldsAValueOrATokenInPlaintext()
    {
        var account = await app.NewAccountAsync();
        var store = await app.Api.CreateStoreAsync(account);
        var value = $"plaintext-canary-{Guid.NewGuid():N}";
        var secret = await app.Api.CreateSecretAsync(account, store, "CANARY", value);
        await app.Api.PostAsync($"{account.Base}/stores/{store}/secrets/{secret.GetProperty("id").GetString()}/duplicate",
            account.WriteToken, new { name = "CANARY_COPY", scopes = new[] { "workers" } });

        var dump = await DumpAllRowsAsync(app.Settings.ConnectionString);
        foreach (var needle in new[] { value, account.WriteToken, account.ReadToken, app.AdminToken })
        {
            Assert.DoesNotContain(needle, dump, StringComparison.Ordinal);
            // bytea columns print as hex, so look for the hex form too.
            Assert.DoesNotContain(Convert.ToHexStringLower(Encoding.UTF8.GetBytes(needle)), dump, StringComparison.Ordinal);
        }
    }

    internal static async Task<string> DumpAllRowsAsync(string connectionString)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        var tables = new List<string>();
        await using (var list = db.CreateCommand("select quote_ident(table_name) from information_schema.tables where table_schema = 'public'"))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var dump = new StringBuilder();
        foreach (var table in tables)
        {
            await using var select = db.CreateCommand($"select t::text from {table} t");
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                dump.AppendLine(reader.GetString(0));
            }
        }

        Assert.Contains("orleansstorage", string.Join(',', tables).ToLowerInvariant());
        return dump.ToString();
    }
}
