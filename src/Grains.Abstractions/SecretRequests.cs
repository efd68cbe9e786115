namespace SecretsStore.Grains.Abstractions;

/// <summary>One item of a create-secrets request, as parsed from JSON; the grain validates every field.</summary>
[GenerateSerializer, Immutable, Alias("SecretsStore.NewSecret")]
public sealed record NewSecret(
    [property: Id(0)] string? Name,
    [property: Id(1)] SecretValue? Value,
    [property: Id(2)] IReadOnlyList<string>? Scopes,
    [property: Id(3)] string? Comment);

/// <summary>A PATCH body. Each <c>Has…</c> flag says whether the field was present, since null clears a comment.</summary>
[GenerateSerializer, Immutable, Alias("SecretsStore.SecretPatch")]
public sealed record SecretPatch(
    [property: Id(0)] string? Name,
    [property: Id(1)] SecretValue? Value,
    [property: Id(2)] IReadOnlyList<string>? Scopes,
    [property: Id(3)] bool HasComment,
    [property: Id(4)] string? Comment);

/// <summary>A duplicate request: the new secret's name, scopes and comment; the value is copied inside the store.</summary>
[GenerateSerializer, Immutable, Alias("SecretsStore.DuplicateSecret")]
public sealed record DuplicateSecret(
    [property: Id(0)] string? Name,
    [property: Id(1)] IReadOnlyList<string>? Scopes,
    [property: Id(2)] string? Comment);
