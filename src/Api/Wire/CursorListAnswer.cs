using System.Reflection;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Metadata;
using SecretsStore.Api.OpenApi;

namespace SecretsStore.Api.Wire;

/// <summary>The envelope of a list paged by cursor (Cloudflare's audit logs): the page, and where the next one starts.</summary>
public sealed record CursorListEnvelope<T>(bool Success, IReadOnlyList<ErrorItem> Errors, IReadOnlyList<object> Messages, IReadOnlyList<T> Result, CursorResultInfo ResultInfo);

/// <param name="Count">Items on this page.</param>
/// <param name="Cursor">The same cursor as <c>cursors.after</c>, where older SDKs read it; absent on the last page.</param>
/// <param name="Cursors">Where the next page starts; absent on the last page, which ends the SDK's paging.</param>
public sealed record CursorResultInfo(
    int Count,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Cursor,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CursorsInfo? Cursors);

public sealed record CursorsInfo(string After);

/// <summary>A handler's answer that is a list paged by cursor; as its return type it documents the route.</summary>
public sealed class CursorListAnswer<T> : EnvelopeResult, IEndpointMetadataProvider, IEnvelopeAnswer<CursorListAnswer<T>>
{
    private CursorListAnswer(object envelope, int status, StoreError? refusal = null) : base(envelope, status, refusal: refusal)
    {
    }

    /// <param name="after">The cursor of the next page, or null on the last.</param>
    public static CursorListAnswer<T> Of(IReadOnlyList<T> items, string? after) =>
        new(new CursorListEnvelope<T>(true, [], [], items, new CursorResultInfo(items.Count, after, after is null ? null : new CursorsInfo(after))),
            StatusCodes.Status200OK);

    public static CursorListAnswer<T> Refuse(StoreError refusal) => new(ApiResults.ErrorEnvelopeOf(refusal), refusal.Wire.Status, refusal);

    public static implicit operator CursorListAnswer<T>(StoreError refusal) => Refuse(refusal);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        AnswerMetadata.Add(builder, StatusCodes.Status200OK, typeof(CursorListEnvelope<T>));
}
