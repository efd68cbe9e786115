using System.Text;
using SecretsStore.Grains.Abstractions;

namespace SecretsStore.Grains.Rules;

/// <summary>Validation of secret fields (docs/api.md, "Objects"). Each check names the offending field by JSON pointer.</summary>
public sealed class SecretRules(ScopeSet scopes)
{
    public const int MaxValueBytes = 65_536;
    public const int MaxCommentLength = 1_024;
    public const int MaxBatch = 100;

    /// <param name="pointer">The item's pointer prefix, e.g. <c>/3</c> for the fourth item of a batch, or empty.</param>
    public StoreError? ValidateNew(NewSecret item, string pointer) =>
        ValidateName(item.Name, $"{pointer}/name")
        ?? ValidateValue(item.Value, $"{pointer}/value")
        ?? ValidateScopes(item.Scopes, $"{pointer}/scopes")
        ?? ValidateComment(item.Comment, $"{pointer}/comment");

    public StoreError? ValidatePatch(SecretPatch patch, string currentName) =>
        (patch.Name is not null && patch.Name != currentName ? Errors.SecretNameImmutable("/name") : null)
        ?? (patch.Value is null ? null : ValidateValue(patch.Value, "/value"))
        ?? (patch.Scopes is null ? null : ValidateScopes(patch.Scopes, "/scopes"))
        ?? (patch.HasComment ? ValidateComment(patch.Comment, "/comment") : null);

    public StoreError? ValidateDuplicate(DuplicateSecret request) =>
        ValidateName(request.Name, "/name")
        ?? ValidateScopes(request.Scopes, "/scopes")
        ?? ValidateComment(request.Comment, "/comment");

    public static StoreError? ValidateName(string? name, string pointer) => name switch
    {
        null or "" => Errors.SecretNameEmpty(pointer),
        _ when !NameRules.IsValid(name) => Errors.SecretNameInvalid(pointer),
        _ => null,
    };

    public static StoreError? ValidateValue(SecretValue? value, string pointer)
    {
        var plaintext = value?.Reveal();
        if (string.IsNullOrEmpty(plaintext))
        {
            return Errors.SecretValueEmpty(pointer, MaxValueBytes);
        }

        return Encoding.UTF8.GetByteCount(plaintext) > MaxValueBytes ? Errors.SecretValueTooLong(pointer, MaxValueBytes) : null;
    }

    public StoreError? ValidateScopes(IReadOnlyList<string>? requested, string pointer)
    {
        if (requested is null || requested.Count == 0)
        {
            return Errors.SecretScopesEmpty(pointer, scopes.Names);
        }

        for (var i = 0; i < requested.Count; i++)
        {
            if (!scopes.IsAllowed(requested[i]))
            {
                return Errors.SecretScopeInvalid(requested[i], scopes.Names, $"{pointer}/{i}");
            }
        }

        return null;
    }

    public static StoreError? ValidateComment(string? comment, string pointer) => comment switch
    {
        null => null,
        _ when comment.EnumerateRunes().Count() > MaxCommentLength => Errors.SecretCommentTooLong(pointer, MaxCommentLength),
        _ when comment.Contains('\0') => Errors.NulCharacter("comment", pointer),
        _ => null,
    };
}
