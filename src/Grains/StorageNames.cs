namespace SecretsStore.Grains;

/// <summary>Names of the grain storage provider and of each grain class's state (the state name is part of the row key).</summary>
public static class StorageNames
{
    public const string Provider = "secretsstore";
    public const string StoreState = "store";
    public const string AccountState = "account";
}
