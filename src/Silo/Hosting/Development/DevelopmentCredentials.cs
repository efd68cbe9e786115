using System.Text.Json;
using System.Text.Json.Serialization;
using SecretsStore.Persistence.Access;
using SecretsStore.Grains.Abstractions;

namespace SecretsStore.Silo.Hosting.Development;

/// <summary>What a development run prints and keeps in <c>&lt;data&gt;/credentials.json</c> (owner-only).</summary>
public sealed record DevelopmentCredentials(
    [property: JsonPropertyName("admin_token")] string AdminToken,
    [property: JsonPropertyName("account_id")] string AccountId,
    [property: JsonPropertyName("account_token")] string AccountToken)
{
    public const string FileName = "credentials.json";

    /// <summary>Prints the tokens as masks: the startup banner and the owner-only file are the only places they appear.</summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("AdminToken = ").Append(Redacted.Mask).Append(", AccountId = ").Append(AccountId)
            .Append(", AccountToken = ").Append(Redacted.Mask);
        return true;
    }

    /// <summary>Reuses the credentials of an earlier start, or makes an admin token, an account and a write token.</summary>
    public static async Task<DevelopmentCredentials> EnsureAsync(
        string dataFolder, AccountRepository accounts, CredentialRepository credentials, CancellationToken ct)
    {
        var path = Path.Combine(dataFolder, FileName);
        if (File.Exists(path))
        {
            var existing = JsonSerializer.Deserialize<DevelopmentCredentials>(await File.ReadAllTextAsync(path, ct));
            if (existing is not null && await accounts.FindAsync(Guid.ParseExact(existing.AccountId, "N"), ct) is not null)
            {
                return existing;
            }
        }

        var account = await accounts.CreateAsync("Development", ct: ct);
        var (_, token) = await credentials.CreateTokenAsync(Guid.ParseExact(account.Id, "N"), "development", Permission.Write, ct: ct);
        var created = new DevelopmentCredentials(TokenHasher.NewToken(), account.Id, token);
        OwnerOnlyFile.Write(path, JsonSerializer.Serialize(created, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return created;
    }
}
