namespace SecretsStore.Api.Idempotency;

/// <summary>
/// Reads a write's <c>Idempotency-Key</c> once the access filter knows the principal (it runs after it, on the account,
/// system and admin routes): a bad key is refused (400 <c>idempotency_key_invalid</c>, recorded by
/// <see cref="SecretsStore.Api.Audit.AuditedRefusals"/>), and a good one enters the request's
/// <see cref="IdempotentRequest"/> into Orleans' request context, so every audit record of the request carries it, in
/// the change's own transaction (docs/api.md, "Idempotency-Key"). The body's hash is added when the body is read
/// (<see cref="SecretsStore.Api.Wire.RequestBody"/>). A read (GET) with a key, and any request without one, passes as it came.
/// </summary>
public sealed class IdempotencyKeyFilter : IEndpointFilter
{
    /// <remarks>Not async: a request without a key (nearly all of them) is handed on as it came.</remarks>
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (!IdempotencyKeyHeader.Writes(request.Method) || !request.Headers.ContainsKey(IdempotencyKeyHeader.Name))
        {
            return next(context);
        }

        return IdempotencyKeyHeader.TryRead(request.Headers, out var key) is { } refusal
            ? new(ApiResults.Error(refusal))
            : KeyedAsync(context, next, key!);
    }

    private static async ValueTask<object?> KeyedAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, string key)
    {
        var http = context.HttpContext;
        var request = http.Request;
        var principal = Audit.AuditScope.Of(http)?.Caller.PrincipalId;
        if (principal is null)
        {
            // Only audited routes change anything, and each of them names its principal before this filter runs.
            return await next(context);
        }

        var keyed = new IdempotentRequest(
            IdempotencyFingerprint.KeyHash(principal, key),
            IdempotencyFingerprint.RequestHash(request.Method, $"{request.PathBase}{request.Path}{request.QueryString}"));
        keyed.Enter();
        try
        {
            return await next(context);
        }
        finally
        {
            IdempotentRequest.Leave();
        }
    }
}
