namespace SecretsStore.Tests.Infrastructure;

/// <summary>An account made for one test, with a write and a read token.</summary>
public sealed record TestAccount(string Id, string WriteToken, string ReadToken)
{
    public string Base => $"/client/v4/accounts/{Id}/secrets_store";
}

/// <summary>A service principal made for a test.</summary>
public sealed record TestService(string Name, string Token)
{
    public static string Base(string accountId) => $"/client/v4/system/accounts/{accountId}";
}
