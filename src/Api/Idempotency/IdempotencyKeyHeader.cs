using Microsoft.Extensions.Primitives;

namespace SecretsStore.Api.Idempotency;

/// <summary>
/// The <c>Idempotency-Key</c> request header (IETF httpapi draft "The Idempotency-Key HTTP Header Field"; Stripe's API):
/// one key of 1 to 255 printable ASCII characters (the draft's sf-string), chosen by the client, on a write.
/// </summary>
public static class IdempotencyKeyHeader
{
    public const string Name = "Idempotency-Key";

    /// <summary>The answer header of a replayed answer.</summary>
    public const string Replayed = "Idempotent-Replayed";

    public const int MaxLength = 255;

    /// <summary>The methods that take a key; any other method is served as usual, with or without one.</summary>
    public static bool Writes(string method) => HttpMethods.IsPost(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    /// <summary>Reads the key: null and no refusal when none was sent; the refusal when the header is not one good key.</summary>
    public static StoreError? TryRead(IHeaderDictionary headers, out string? key)
    {
        key = null;
        if (!headers.TryGetValue(Name, out var values))
        {
            return null;
        }

        if (values.Count != 1)
        {
            return IdempotencyErrors.KeyInvalid("send one Idempotency-Key header");
        }

        var sent = values[0] ?? "";
        if (sent.Length == 0)
        {
            return IdempotencyErrors.KeyInvalid($"the key is empty; send 1 to {MaxLength} characters");
        }

        if (sent.Length > MaxLength)
        {
            return IdempotencyErrors.KeyInvalid($"the key has {sent.Length} characters; send 1 to {MaxLength}");
        }

        if (!IsPrintableAscii(sent))
        {
            return IdempotencyErrors.KeyInvalid("a key is printable ASCII (space to ~), e.g. a UUID");
        }

        key = sent;
        return null;
    }

    private static bool IsPrintableAscii(string text)
    {
        foreach (var c in text)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
