using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SecretsStore.Api.Idempotency;

/// <summary>
/// <c>Idempotency-Key</c> on every write of the account, system and admin routes (docs/api.md, "Idempotency-Key"). It
/// runs after the route's access filter, which names the principal; for a write with a key it:
/// <list type="number">
/// <item>refuses a bad key (400 <c>idempotency_key_invalid</c>);</item>
/// <item>reads the body (under the same limits as every body) to fingerprint the request: method, path with query, body;</item>
/// <item>holds the key across the cluster (<see cref="IIdempotencyLeaseGrain"/>): a repeat meanwhile is 409
/// <c>idempotency_key_in_use</c> with Retry-After;</item>
/// <item>looks the key up: an answer kept for the same request is replayed (<see cref="ReplayedAnswer"/>), one kept for
/// another request is 422 <c>idempotency_key_reused</c>, and a change committed with the key whose answer was not kept
/// is refused rather than applied twice;</item>
/// <item>else runs the request with its <see cref="IdempotentRequest"/> in Orleans' request context, so every audit
/// record of it carries the key, in the change's transaction; and keeps its answer, sealed (<see cref="AnswerSeal"/>),
/// unless it is a fault or throttling (5xx, 429), which the client may repeat with the same key.</item>
/// </list>
/// A write of a store's secrets (<see cref="KeyedInStore"/>) takes none of the last three steps here: its store's grain
/// decides the key inside its own commit (<see cref="KeyedStoreWrite"/>), and this filter only renders what the grain
/// decided: a replay (marked <c>Idempotent-Replayed: true</c>) or a refusal of the key, which it answers as its own.
/// An answer the grain did not keep (refused before the grain, or decided by a silo of the previous version) is kept
/// here, as on every other route.
/// A read (GET) with a key, and any request without one, passes as it came. Its refusals are recorded as every
/// refusal on an audited route (<see cref="SecretsStore.Api.Audit.AuditedRefusals"/>, which runs around it), with the
/// hashes of the key and the request.
/// </summary>
public sealed class IdempotencyKeyFilter(
    IGrainFactory grains, IdempotentAnswers answers, TimeProvider clock, IOptions<ApiOptions> options, ILogger<IdempotencyKeyFilter> logger)
    : IEndpointFilter
{
    private readonly IdempotencyOptions _options = options.Value.Idempotency;

    /// <remarks>Not async: a request without a key (nearly all of them) is handed on as it came.</remarks>
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (!IdempotencyKeyHeader.Writes(request.Method) || !request.Headers.ContainsKey(IdempotencyKeyHeader.Name))
        {
            return next(context);
        }

        if (IdempotencyKeyHeader.TryRead(request.Headers, out var key) is { } refusal)
        {
            return new(ApiResults.Error(refusal));
        }

        // Only audited routes change anything, and each of them names its principal before this filter runs.
        return Audit.AuditScope.Of(context.HttpContext)?.Caller.PrincipalId is { } principal
            ? KeyedAsync(context, next, principal, key!)
            : next(context);
    }

    private async ValueTask<object?> KeyedAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, string principal, string key)
    {
        var request = context.HttpContext.Request;
        var received = await RequestBody.ReceiveAsync(request);
        if (!received.Succeeded)
        {
            return ApiResults.Error(received.Error);
        }

        using var body = received.Value;
        var keyed = new IdempotentRequest(
            IdempotencyFingerprint.KeyHash(principal, key),
            IdempotencyFingerprint.RequestHash(principal, key, request.Method, $"{request.PathBase}{request.Path}{request.QueryString}", body.Received.Span));
        // The trail's record of a refusal answered below carries the key's and the request's hashes too.
        context.HttpContext.Features.Set(keyed);
        if (context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<KeyedInStore>() is not null)
        {
            return await KeyedInStoreAsync(context, next, keyed, principal, key, body.Received);
        }

        var leases = grains.GetGrain<IIdempotencyLeaseGrain>(IIdempotencyLeaseGrain.BucketOf(keyed.KeyHash));
        var leaseKey = Convert.ToHexString(keyed.KeyHash);
        if (await leases.TryTakeAsync(leaseKey, _options.Lease) is not { } holder)
        {
            return EnvelopeResult.RetryLater(IdempotencyErrors.KeyInUse(), retryAfterSeconds: 1);
        }

        try
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var since = now - _options.Window;
            if (await answers.FindAsync(keyed.KeyHash, since, context.HttpContext.RequestAborted) is { } earlier)
            {
                return Answer(earlier, keyed, principal, key);
            }

            // The handler reads the body again, from the bytes received here; they are zeroed when it is done.
            ReadAgain(request, body.Received);
            keyed.Enter();
            object? answer;
            try
            {
                answer = await next(context);
            }
            finally
            {
                IdempotentRequest.Leave();
            }

            await KeepAsync(answer, keyed, principal, key, now, since);
            return answer;
        }
        finally
        {
            await leases.ReleaseAsync(leaseKey, holder);
        }
    }

    /// <summary>
    /// A keyed write of a store's secrets: run with the key's hashes and the answer's seal key in the request context, so
    /// the store's grain decides it in its commit; then the grain's decision rendered (see the class summary).
    /// </summary>
    private async Task<object?> KeyedInStoreAsync(
        EndpointFilterInvocationContext context, EndpointFilterDelegate next, IdempotentRequest keyed, string principal, string key, ReadOnlyMemory<byte> body)
    {
        var http = context.HttpContext;
        ReadAgain(http.Request, body);
        var outcome = KeyedOutcome.Watch();
        keyed.Enter();
        new KeyedStoreWrite(AnswerSeal.KeyOf(principal, key), _options.Window).Enter();
        object? answer;
        try
        {
            answer = await next(context);
        }
        finally
        {
            IdempotentRequest.Leave();
            KeyedStoreWrite.Leave();
        }

        if (answer is EnvelopeResult { Refusal: { } refusal } && KeyedWriteErrors.IsKeyRefusal(refusal))
        {
            return refusal.Token switch
            {
                KeyedWriteErrors.KeyInUseToken => EnvelopeResult.RetryLater(refusal, retryAfterSeconds: 1),
                KeyedWriteErrors.AnswerRenderedToken => await AnswerRenderedAsync(keyed, principal, key, http.RequestAborted),
                // The grain recorded nothing: answered as this filter's own refusal, the trail records it.
                _ => ApiResults.Error(refusal),
            };
        }

        if (outcome.Replayed)
        {
            http.Response.Headers[IdempotencyKeyHeader.Replayed] = "true";
        }
        else if (!outcome.Kept && Keeps(answer))
        {
            // Answered before the store (a body that is not JSON), or by a silo of the previous version: the key is
            // answered here, as on every other route: from what it already kept, else this answer is kept. Rare: a
            // store's grain keeps the answers of every request that reaches it.
            var now = clock.GetUtcNow().UtcDateTime;
            if (await answers.FindAsync(keyed.KeyHash, now - _options.Window, http.RequestAborted) is { } earlier)
            {
                return Answer(earlier, keyed, principal, key);
            }

            await KeepAsync(answer, keyed, principal, key, now, now - _options.Window);
        }

        return answer;
    }

    /// <summary>The same request's answer, rendered and kept here before its store's grain decided its keys.</summary>
    private async Task<object> AnswerRenderedAsync(IdempotentRequest keyed, string principal, string key, CancellationToken ct)
    {
        var since = clock.GetUtcNow().UtcDateTime - _options.Window;
        return await answers.FindAsync(keyed.KeyHash, since, ct) is { } earlier
            ? Answer(earlier, keyed, principal, key)
            : throw new InvalidOperationException("A kept answer the store's grain found was not there for the gateway.");
    }

    /// <summary>Whether a repeat must get this answer again: a success or a refusal, not a fault or throttling.</summary>
    private static bool Keeps(object? answer) =>
        answer is EnvelopeResult { StatusCode: { } status } && status < 500 && status != StatusCodes.Status429TooManyRequests;

    private static void ReadAgain(HttpRequest request, ReadOnlyMemory<byte> body)
    {
        MemoryMarshal.TryGetArray(body, out var bytes);
        request.Body = new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false);
    }

    private object Answer(KeyedRequest earlier, IdempotentRequest keyed, string principal, string key)
    {
        if (!earlier.RequestHash.AsSpan().SequenceEqual(keyed.RequestHash))
        {
            return ApiResults.Error(IdempotencyErrors.KeyReused(_options.Window));
        }

        if (earlier.Sealed is null)
        {
            return ApiResults.Error(IdempotencyErrors.AnswerNotKept(earlier.RequestId!));
        }

        // The seal binds the request's hash, which matched, and a key that hashed the same: it opens.
        var (status, answerBody) = AnswerSeal.Open(principal, key, keyed.RequestHash, earlier.Sealed)
            ?? throw new InvalidOperationException("A kept answer did not open with the key and request it was sealed for.");
        return new ReplayedAnswer(status, answerBody);
    }

    /// <summary>
    /// Keeps an answer that a repeat must get again: a success or a refusal, not a fault or throttling. Should keeping it
    /// fail, the answer still goes out (it is the truth); a repeat then finds the change in the trail and is refused
    /// rather than applied twice.
    /// </summary>
    private async Task KeepAsync(object? answer, IdempotentRequest keyed, string principal, string key, DateTime at, DateTime since)
    {
        if (!Keeps(answer) || answer is not EnvelopeResult { StatusCode: { } status } envelope)
        {
            return;
        }

        var rendered = envelope.Render();
        var sealedAnswer = AnswerSeal.Seal(principal, key, keyed.RequestHash, status, rendered);
        // The answer may hold a one-time credential (a token create): no copy of it outlives the answer itself.
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(rendered);
        try
        {
            await answers.KeepAsync(keyed.KeyHash, keyed.RequestHash, at, sealedAnswer, since, CancellationToken.None);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException)
        {
            logger.LogWarning(e, "The answer of a keyed write was not kept; a repeat of its key is refused rather than run again");
        }
    }
}
