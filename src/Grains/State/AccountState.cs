namespace SecretsStore.Grains.State;

/// <summary>
/// What the account grain keeps in Orleans grain storage. Its stores and quota live in tables of their own, where
/// the commit writer can lock and count them in the same transaction as the secrets (field ids 0–2 held them once;
/// they are not reused).
/// </summary>
[GenerateSerializer, Alias("SecretsStore.AccountState")]
public sealed class AccountState
{
    /// <summary>The account's numeric id as services know it, kept from the first service-made store.</summary>
    [Id(3)] public long? ExternalAccountId { get; set; }
}
