
namespace SecretsStore.Api.Dtos;

/// <summary>A store on the wire (docs/api.md, "Objects").</summary>
public sealed record StoreDto(string Id, string Name, string AccountId, DateTime Created, DateTime Modified, string? ManagedBy)
{
    public static StoreDto From(StoreView s) => new(s.Id.ToString("N"), s.Name, s.AccountId.ToString("N"), s.Created, s.Modified, s.ManagedBy);
}

/// <summary>A secret on the wire: metadata only, never a value.</summary>
public sealed record SecretDto(string Id, string Name, string StoreId, DateTime Created, DateTime Modified, string Status, string? Comment, IReadOnlyList<string> Scopes)
{
    public static SecretDto From(SecretView s) =>
        new(s.Id.ToString("N"), s.Name, s.StoreId.ToString("N"), s.Created, s.Modified, s.Status, s.Comment, s.Scopes);
}

/// <summary>The quota object; <c>stores</c> is an extension.</summary>
public sealed record QuotaDto(QuotaCounter Secrets, QuotaCounter Stores)
{
    public static QuotaDto From(QuotaView q) => new(new(q.SecretsQuota, q.SecretsUsage), new(q.StoresQuota, q.StoresUsage));
}

public sealed record QuotaCounter(int Quota, int Usage);

/// <summary>A secret with its value: only the value route answers this.</summary>
public sealed record SecretValueDto(string Id, string Name, string Value)
{
    public static SecretValueDto From(RevealedSecret s) => new(s.Id.ToString("N"), s.Name, s.Value.Reveal());

    /// <summary>Prints the value as a mask, as <see cref="SecretValue"/> does: a log line or trace that formats this shows none.</summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Id = ").Append(Id).Append(", Name = ").Append(Name).Append(", Value = ").Append(Redacted.Mask);
        return true;
    }
}
