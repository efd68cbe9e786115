using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using SecretsStore.Api.OpenApi;

namespace SecretsStore.Api.Wire;

/// <summary>
/// A handler's answer to a delete it has taken on: 202 with <c>"result": null</c>. It documents its route as
/// <see cref="Answer{T}"/> does, and a refusal converts into it.
/// </summary>
public sealed class AcceptedAnswer : EnvelopeResult, IEndpointMetadataProvider, IEnvelopeAnswer<AcceptedAnswer>
{
    /// <summary>The one success: it carries no per-request state.</summary>
    public static readonly AcceptedAnswer Instance = new(new Envelope<object>(true, [], [], null), StatusCodes.Status202Accepted);

    private AcceptedAnswer(object envelope, int status, StoreError? refusal = null) : base(envelope, status, refusal: refusal)
    {
    }

    public static AcceptedAnswer Refuse(StoreError refusal) => new(ApiResults.ErrorEnvelopeOf(refusal), refusal.Wire.Status, refusal);

    public static implicit operator AcceptedAnswer(StoreError refusal) => Refuse(refusal);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        AnswerMetadata.Add(builder, StatusCodes.Status202Accepted, typeof(Envelope<object>));
}
