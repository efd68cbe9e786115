using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using SecretsStore.Api.OpenApi;

namespace SecretsStore.Api.Wire;

/// <summary>
/// A handler's answer whose success is one page of a list, a <see cref="ListEnvelope{T}"/>; it documents its route as
/// <see cref="Answer{T}"/> does, and a refusal converts into it.
/// </summary>
public sealed class ListAnswer<T> : EnvelopeResult, IEndpointMetadataProvider, IEnvelopeAnswer<ListAnswer<T>>
{
    private ListAnswer(object envelope, int status, StoreError? refusal = null) : base(envelope, status, refusal: refusal)
    {
    }

    public static ListAnswer<T> Of<TView>(Page<TView> page, Func<TView, T> toDto) =>
        new(
            new ListEnvelope<T>(true, [], [], page.Items.Select(toDto).ToList(),
                new ResultInfo(page.Number, page.PerPage, page.Items.Count, page.TotalCount, page.TotalPages)),
            StatusCodes.Status200OK);

    public static ListAnswer<T> Refuse(StoreError refusal) => new(ApiResults.ErrorEnvelopeOf(refusal), refusal.Wire.Status, refusal);

    public static implicit operator ListAnswer<T>(StoreError refusal) => Refuse(refusal);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        AnswerMetadata.Add(builder, StatusCodes.Status200OK, typeof(ListEnvelope<T>));
}
