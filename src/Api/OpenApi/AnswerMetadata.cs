namespace SecretsStore.Api.OpenApi;

/// <summary>
/// What a handler's answer type documents about its route: its success envelope under its status, then the error
/// envelope under each status every authenticated route can give (credentials, permission, throttling, faults).
/// Errors only some routes give (404, 409, 413) are declared on those routes with <see cref="EndpointDocs.ProducesErrors"/>.
/// </summary>
internal static class AnswerMetadata
{
    private static readonly int[] AccessErrors =
    [
        StatusCodes.Status400BadRequest,
        StatusCodes.Status401Unauthorized,
        StatusCodes.Status403Forbidden,
        StatusCodes.Status429TooManyRequests,
        StatusCodes.Status500InternalServerError,
        StatusCodes.Status503ServiceUnavailable,
    ];

    private static readonly string[] Json = ["application/json"];

    public static void Add(EndpointBuilder builder, int status, Type envelope)
    {
        builder.Metadata.Add(new ProducesResponseTypeMetadata(status, envelope, Json));
        foreach (var error in AccessErrors)
        {
            builder.Metadata.Add(new ProducesResponseTypeMetadata(error, typeof(ErrorEnvelope), Json));
        }
    }
}
