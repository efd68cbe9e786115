using System.Globalization;
using System.Text.Json.Serialization;
using SecretsStore.Api.Audit;

namespace SecretsStore.Api.Dtos;

/// <summary>
/// One entry of Cloudflare's audit-log shape (Audit Logs v2), built from one row of our trail. Fields the row cannot
/// fill truthfully are left out rather than guessed. It has no field that could hold a value or a credential: the
/// actor is named by its token's id and name, its key's e-mail or its service's name.
/// </summary>
/// <param name="Id">The row's place in the trail (<c>seq</c>), as <c>…/secrets_store/audit</c> also names it.</param>
public sealed record AuditLogEntryDto(
    string Id,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AuditLogAccountDto? Account,
    AuditLogActionDto Action,
    AuditLogActorDto Actor,
    AuditLogRawDto Raw,
    AuditLogResourceDto Resource)
{
    public static AuditLogEntryDto From(AuditEntryRow row)
    {
        var r = row.Stored.Record;
        var words = AuditLogVocabulary.Actions.TryGetValue(r.Action, out var known) ? known : new("update", r.Action, null);
        var account = r.AccountId ?? r.AddressedAccountId;
        var actor = AuditLogVocabulary.ActorOf(r.Principal);
        var identity = r.Principal == "operator" ? "operator" : r.Principal[(r.Principal.IndexOf(':', StringComparison.Ordinal) + 1)..];
        var kind = AuditLogVocabulary.KindOf(r.Action);
        return new AuditLogEntryDto(
            row.Stored.Seq.ToString(CultureInfo.InvariantCulture),
            account is { } id ? new AuditLogAccountDto(Hex(id)!, row.AccountName) : null,
            new AuditLogActionDto(
                words.Type, r.IsAllowed ? "success" : "failure", r.At,
                r.IsAllowed ? words.Description : $"{words.Description}: {r.Error}"),
            new AuditLogActorDto(
                identity, actor.Type, actor.Context,
                TokenId: actor.Type == "account" ? identity : null,
                TokenName: actor.Type == "account" ? row.TokenName : null,
                Email: actor.Type == "user" ? identity : null),
            new AuditLogRawDto(r.Method ?? words.Method, r.Status, r.RequestId, r.Uri),
            new AuditLogResourceDto(
                row.ResourceId, AuditLogVocabulary.ResourceTypes.GetValueOrDefault(kind, kind), AuditLogVocabulary.Product,
                Scope(r), Request(r)));
    }

    /// <summary>Where the resource lives; null when it lives in no store (an account's quota, a credential, a service).</summary>
    private static AuditLogScopeDto? Scope(AuditRecord r) =>
        r.StoreId is null ? null : new AuditLogScopeDto(Hex(r.AccountId ?? r.AddressedAccountId), Hex(r.StoreId), r.StoreName, r.SecretName);

    /// <summary>What the request did to the resource, where Cloudflare says it: a duplicate's source, a changed value.</summary>
    private static AuditLogResourceRequestDto? Request(AuditRecord r) =>
        r.SourceSecretId is null && !r.ValueModified
            ? null
            : new AuditLogResourceRequestDto(Hex(r.SourceSecretId), r.ValueModified ? true : null);

    private static string? Hex(Guid? id) => id?.ToString("N");
}

public sealed record AuditLogAccountDto(string Id, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name);

/// <param name="Type"><c>create</c>, <c>update</c>, <c>delete</c> or <c>view</c> (a value read).</param>
/// <param name="Result"><c>success</c>, or <c>failure</c> for a refusal.</param>
/// <param name="Description">What was done; for a refusal, followed by its error token.</param>
public sealed record AuditLogActionDto(string Type, string Result, DateTime Time, string Description);

/// <param name="Id">The token's id, the key's e-mail, the service's name, or <c>operator</c>.</param>
/// <param name="Type"><c>account</c> (an account token), <c>user</c> (a key), <c>delegated_service</c> (a service) or <c>cloudflare_admin</c> (the operator).</param>
/// <param name="Context"><c>api_token</c>, or <c>api_key</c> for a key.</param>
public sealed record AuditLogActorDto(
    string Id,
    string Type,
    string Context,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TokenId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TokenName,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Email);

/// <param name="Method">
/// The request's HTTP method as recorded (migration 0014); on older rows, the method of the one route that records the
/// action, if only one does.
/// </param>
/// <param name="StatusCode">The status the request was answered with.</param>
/// <param name="CfRayId">The request's id (our <c>x-request-id</c>), where Cloudflare has its Ray ID.</param>
/// <param name="Uri">The request's path and query as received; absent on rows older than migration 0014 and on records no request made.</param>
public sealed record AuditLogRawDto(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Method,
    int StatusCode,
    string CfRayId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Uri);

/// <param name="Id">The secret, store, account, token id, key e-mail or service name; absent when the request named none.</param>
/// <param name="Request">For a duplicate: the secret it was copied from; for a value update, <c>value_modified</c>. Never a value.</param>
public sealed record AuditLogResourceDto(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Id,
    string Type,
    string Product,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AuditLogScopeDto? Scope,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AuditLogResourceRequestDto? Request);

public sealed record AuditLogScopeDto(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AccountId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StoreId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StoreName,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SecretName);

/// <param name="DuplicatedFromId">For a duplicate: the secret it was copied from.</param>
/// <param name="ValueModified">True on an update that changed the secret's value; absent otherwise.</param>
public sealed record AuditLogResourceRequestDto(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DuplicatedFromId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? ValueModified);
