using System.Reflection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization.Invocation;
using SecretsStore.Api.Cluster;
using SecretsStore.Grains.Abstractions;

namespace SecretsStore.UnitTests.Cluster;

/// <summary>
/// How <see cref="RepeatUnprocessedCalls"/> marks a repeat: each send of a call carries, in Orleans' request context,
/// the audited request with that send's attempt; the caller's own flow keeps the first. The call context here stands in
/// for Orleans' own, which builds a message (and copies the request context into it) on every
/// <see cref="IGrainCallContext.Invoke"/>: it records what each send would carry. Each repeat waits the filter's first
/// pause (0.2 s).
/// </summary>
public sealed class RepeatAttemptTests
{
    private static readonly AuditedRequest Sent = new(
        "0123456789abcdef0123456789abcdef", 1, "token:writer", Guid.NewGuid(), "secret.create", DateTime.UtcNow);

    private static readonly RepeatUnprocessedCalls Filter = new(NullLogger<RepeatUnprocessedCalls>.Instance);

    private static Exception AnswerLost() => new SiloUnavailableException("The target silo became unavailable for message: Request S1->S2.");

    private static Exception NotRun() => new SiloUnavailableException("Silo unavailable");

    [Fact]
    public async Task ACallWhoseAnswerWasLostIsSentAgainAsTheSecondAttemptAndTheCallerKeepsTheFirst()
    {
        var call = new RecordingCall(nameof(IStoreGrain.CreateSecretsAsync), AnswerLost());

        await SendAsync(Sent, call);

        Assert.Equal(new[] { 1, 2 }, call.Attempts);
        Assert.All(call.Sent, request => Assert.Equal(Sent.RequestId, request!.RequestId));
    }

    [Fact]
    public async Task ACallProvedNotRunIsSentAgainAsItWas()
    {
        var call = new RecordingCall(nameof(IStoreGrain.DeleteSecretAsync), NotRun());

        await SendAsync(Sent, call);

        Assert.Equal(new[] { 1, 1 }, call.Attempts);
    }

    [Fact]
    public async Task OnceASendMayHaveRunEveryLaterSendIsARepeatCarryingItsNumber()
    {
        var call = new RecordingCall(nameof(IStoreGrain.PatchSecretAsync), NotRun(), new StorageUnavailableException("fenced"), NotRun());

        await SendAsync(Sent, call);

        Assert.Equal(new[] { 1, 1, 3, 4 }, call.Attempts);
    }

    [Fact]
    public async Task AMethodThatOnlyReadsIsSimplyRunAgain()
    {
        var call = new RecordingCall(nameof(IStoreGrain.GetSecretAsync), AnswerLost());

        await SendAsync(Sent, call);

        Assert.Equal(new[] { 1, 1 }, call.Attempts);
    }

    [Fact]
    public async Task ALostAnswerOfACallThatCarriesNoRequestIsAnsweredAsItIsNeverGuessed()
    {
        var call = new RecordingCall(nameof(IStoreGrain.CreateSecretsAsync), AnswerLost());

        await Assert.ThrowsAsync<SiloUnavailableException>(() => SendAsync(null, call));

        Assert.Null(Assert.Single(call.Sent));
    }

    /// <summary>Sends the call through the filter within <paramref name="request"/>, as a gateway's handler does.</summary>
    private static async Task SendAsync(AuditedRequest? request, RecordingCall call)
    {
        AuditedRequest.Leave();
        request?.Enter();
        try
        {
            await Filter.Invoke(call);
            Assert.Same(request, AuditedRequest.Current);
        }
        finally
        {
            AuditedRequest.Leave();
        }
    }

    /// <summary>A call of a store grain's method whose sends fail with <c>failures</c> in turn, then succeed.</summary>
    private sealed class RecordingCall(string method, params Exception[] failures) : IOutgoingGrainCallContext
    {
        public List<AuditedRequest?> Sent { get; } = [];

        public int[] Attempts => Sent.Select(r => r?.Attempt ?? 0).ToArray();

        public Task Invoke()
        {
            Sent.Add(AuditedRequest.Current);
            Response = null;
            return Sent.Count <= failures.Length ? Task.FromException(failures[Sent.Count - 1]) : Completed();
        }

        private Task Completed()
        {
            Response = Response.Completed;
            return Task.CompletedTask;
        }

        public MethodInfo InterfaceMethod { get; } = typeof(IStoreGrain).GetMethod(method)!;

        public IGrainContext? SourceContext => null;

        public IInvokable Request => throw new NotSupportedException("The filter reads no argument.");

        public object Grain => throw new NotSupportedException();

        public GrainId? SourceId => null;

        public GrainId TargetId => default;

        public GrainInterfaceType InterfaceType => default;

        public string InterfaceName => nameof(IStoreGrain);

        public string MethodName => method;

        public object? Result { get; set; }

        public Response? Response { get; set; }
    }
}
