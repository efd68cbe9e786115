using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using SecretsStore.Api.OpenApi;

namespace SecretsStore.Api.Wire;

/// <summary>
/// A handler's answer whose success is an <see cref="Envelope{T}"/>. As the handler's return type it documents the
/// route's success and the errors every authenticated route can give, so the document follows what the handler
/// returns. A refusal of the gateway's own converts into it (<c>return GatewayErrors.ServiceNotFound();</c>), and an
/// audited route records it (<see cref="SecretsStore.Api.Audit.AuditedRefusals"/>); a grain's refusal, which the grain
/// recorded, is answered through <see cref="ApiResults.From"/>.
/// </summary>
public sealed class Answer<T> : EnvelopeResult, IEndpointMetadataProvider, IEnvelopeAnswer<Answer<T>>
{
    private Answer(object envelope, int status, StoreError? refusal = null) : base(envelope, status, refusal: refusal)
    {
    }

    public static Answer<T> Ok(T? result) => new(new Envelope<T>(true, [], [], result), StatusCodes.Status200OK);

    /// <summary>The older array form of a create: the same one item, inside an array.</summary>
    public static Answer<T> OkInArray(T result) => new(new Envelope<T[]>(true, [], [], [result]), StatusCodes.Status200OK);

    public static Answer<T> Refuse(StoreError refusal) => new(ApiResults.ErrorEnvelopeOf(refusal), refusal.Wire.Status, refusal);

    public static implicit operator Answer<T>(StoreError refusal) => Refuse(refusal);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        AnswerMetadata.Add(builder, StatusCodes.Status200OK, typeof(Envelope<T>));
}
