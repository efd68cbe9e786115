namespace SecretsStore.Grains.Abstractions;

/// <summary>
/// The accounts a service may act in (docs/access.md, "Services and their accounts"): every account (<c>*</c>, a
/// platform-wide service), or the ones listed. A caller carries the grant that covers the account it addresses, so a
/// grain can check it again without a database look-up and no call carries a long list.
/// </summary>
[GenerateSerializer, Immutable, Alias("SecretsStore.AccountGrants")]
public sealed record AccountGrants([property: Id(0)] bool Every, [property: Id(1)] IReadOnlyList<Guid> Accounts)
{
    /// <summary>What a grant of every account is called on the wire: <c>"accounts": ["*"]</c>.</summary>
    public const string EveryAccount = "*";

    /// <summary>No account at all: the default, so a caller made without grants acts nowhere.</summary>
    // Plain arrays: a collection expression typed as IReadOnlyList makes a compiler-generated type, which a message
    // between processes should not have to carry.
    public static readonly AccountGrants None = new(false, Array.Empty<Guid>());

    public static readonly AccountGrants All = new(true, Array.Empty<Guid>());

    public static AccountGrants Only(Guid accountId) => new(false, new[] { accountId });

    public bool Include(Guid accountId) => Every || Accounts.Contains(accountId);
}
