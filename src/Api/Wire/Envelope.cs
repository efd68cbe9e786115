using System.Text.Json.Serialization;

namespace SecretsStore.Api.Wire;

/// <summary>The Cloudflare v4 envelope around every answer.</summary>
public sealed record Envelope<T>(bool Success, IReadOnlyList<ErrorItem> Errors, IReadOnlyList<object> Messages, T? Result);

/// <summary>The envelope of every failure: <c>success</c> false, at least one error, <c>result</c> null.</summary>
public sealed record ErrorEnvelope(bool Success, IReadOnlyList<ErrorItem> Errors, IReadOnlyList<object> Messages, object? Result);

/// <summary>The envelope of a list: adds paging information.</summary>
public sealed record ListEnvelope<T>(bool Success, IReadOnlyList<ErrorItem> Errors, IReadOnlyList<object> Messages, IReadOnlyList<T> Result, ResultInfo ResultInfo);

/// <param name="Count">Items on this page.</param>
/// <param name="TotalCount">Matching items over all pages.</param>
public sealed record ResultInfo(int Page, int PerPage, int Count, int TotalCount, int TotalPages);

/// <summary>One error: a numeric code, a <c>snake_case_token[: detail]</c> message, and the offending field when one is.</summary>
public sealed record ErrorItem(int Code, string Message, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ErrorSource? Source = null);

public sealed record ErrorSource(string Pointer);
