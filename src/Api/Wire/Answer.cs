using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using SecretsStore.Api.OpenApi;

namespace SecretsStore.Api.Wire;

/// <summary>
/// A handler's answer whose success is an <see cref="Envelope{T}"/>. As the handler's return type it documents the
/// route's success and the errors every authenticated route can give, so the document follows what the handler
/// returns. A refusal converts into it: <c>return outcome.Error;</c>.
/// </summary>
public sealed class Answer<T> : EnvelopeResult, IEndpointMetadataProvider, IEnvelopeAnswer<Answer<T>>
{
    private Answer(object envelope, int status) : base(envelope, status)
    {
    }

    public static Answer<T> Ok(T? result) => new(new Envelope<T>(true, [], [], result), StatusCodes.Status200OK);

    /// <summary>The older array form of a create: the same one item, inside an array.</summary>
    public static Answer<T> OkInArray(T result) => new(new Envelope<T[]>(true, [], [], [result]), StatusCodes.Status200OK);

    public static Answer<T> Refuse(StoreError refusal) => new(ApiResults.ErrorEnvelopeOf(refusal), refusal.Wire.Status);

    public static implicit operator Answer<T>(StoreError refusal) => Refuse(refusal);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        AnswerMetadata.Add(builder, StatusCodes.Status200OK, typeof(Envelope<T>));
}
