using Microsoft.OpenApi;

namespace SecretsStore.Api.OpenApi;

/// <summary>Documents what the handlers read and answer by hand, since they parse bodies themselves.</summary>
public static class EndpointDocs
{
    /// <summary>
    /// Documents the JSON body the route reads. Not through <c>Accepts</c> metadata: routing would then refuse
    /// any other Content-Type with 415, and wrangler sends its JSON as text/plain.
    /// </summary>
    public static RouteHandlerBuilder AcceptsJson<T>(this RouteHandlerBuilder route) where T : notnull =>
        route.AddOpenApiOperationTransformer(async (operation, context, ct) =>
        {
            // Request shapes are named components, like the response shapes, so clients can refer to them.
            var name = typeof(T).IsArray ? $"{typeof(T).GetElementType()!.Name}List" : typeof(T).Name;
            var document = context.Document!;
            if (document.Components?.Schemas?.ContainsKey(name) != true)
            {
                document.AddComponent(name, await context.GetOrCreateSchemaAsync(typeof(T), null, ct));
            }

            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = new OpenApiSchemaReference(name, document) },
                },
            };
        });

    /// <summary>
    /// The error envelope, under each status only this route answers with; the success and the errors every
    /// authenticated route gives come from the handler's answer type (<see cref="AnswerMetadata"/>).
    /// </summary>
    public static RouteHandlerBuilder ProducesErrors(this RouteHandlerBuilder route, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            route.Produces<ErrorEnvelope>(status);
        }

        return route;
    }
}
