namespace SecretsStore.Grains.State;

/// <summary>
/// What the account grain keeps in Orleans grain storage. Its stores and quota live in tables of their own, where
/// the commit writer can lock and count them in the same transaction as the secrets (field ids 0–2 held them once;
/// they are not reused).
/// </summary>
[GenerateSerializer, Alias("SecretsStore.AccountState")]
public sealed class AccountState
{
    /// <summary>
    /// The account's numeric id as the first service to give one knew it. Written by versions that kept one number for
    /// every service; now only read, for the services that managed a store here then (see <see cref="ExternalAccountIds"/>).
    /// </summary>
    [Id(3)] public long? ExternalAccountId { get; set; }

    /// <summary>The account's numeric id as each service knows it, by service name, kept from its first store here.</summary>
    [Id(4)] public Dictionary<string, long> ExternalAccountIds { get; set; } = [];
}
