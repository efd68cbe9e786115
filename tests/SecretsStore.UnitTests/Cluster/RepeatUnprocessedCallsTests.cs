using SecretsStore.Api.Cluster;
using SecretsStore.Grains.Abstractions;

namespace SecretsStore.UnitTests.Cluster;

/// <summary>What each grain-call failure tells the gateway about whether the call ran, which decides how it is resolved.</summary>
public sealed class RepeatUnprocessedCallsTests
{
    [Fact]
    public void RejectionsAndRefusalsUpFrontProveTheCallDidNotRun()
    {
        Assert.True(RepeatUnprocessedCalls.ProvablyNotRun(new GatewayTooBusyException()));
        Assert.True(RepeatUnprocessedCalls.ProvablyNotRun(new SiloUnavailableException("Silo 'S127.0.0.1:11111:1' is shutting down.")));
        Assert.True(RepeatUnprocessedCalls.ProvablyNotRun(new SiloUnavailableException()));
        Assert.Equal(LostCall.NotRun, RepeatUnprocessedCalls.Classify(new SiloUnavailableException()));
    }

    [Fact]
    public void ASiloThatDiedWhileTheCallWasPendingProvesNothingAndNeitherDoOtherFaults()
    {
        Assert.False(RepeatUnprocessedCalls.ProvablyNotRun(new SiloUnavailableException("The target silo became unavailable for message: Request S1->S2. See https://aka.ms/orleans-troubleshooting for troubleshooting help.")));
        Assert.False(RepeatUnprocessedCalls.ProvablyNotRun(new SiloUnavailableException("The local Orleans host is shutting down and can no longer process the request: Request.")));
        Assert.False(RepeatUnprocessedCalls.ProvablyNotRun(new TimeoutException()));
        Assert.False(RepeatUnprocessedCalls.ProvablyNotRun(new StorageUnavailableException("commit")));
    }

    [Fact]
    public void ASiloGoneWhileTheCallWasPendingOrNoAnswerInTimeIsALostAnswerToResolveByRequestId()
    {
        Assert.Equal(LostCall.AnswerLost, RepeatUnprocessedCalls.Classify(new SiloUnavailableException("The target silo became unavailable for message: Request S1->S2.")));
        Assert.Equal(LostCall.AnswerLost, RepeatUnprocessedCalls.Classify(new SiloUnavailableException("The local Orleans host is shutting down and can no longer process the request: Request.")));
        Assert.Equal(LostCall.AnswerLost, RepeatUnprocessedCalls.Classify(new TimeoutException("Response did not arrive on time in 00:00:06 for message: Request.")));
    }

    [Fact]
    public void AStorageFailureIsAStoreRefusalAndAnythingElseIsTheAnswer()
    {
        Assert.Equal(LostCall.StorageRefused, RepeatUnprocessedCalls.Classify(new StorageUnavailableException("commit")));
        Assert.Equal(LostCall.Answered, RepeatUnprocessedCalls.Classify(new InvalidOperationException("internal_error")));
        Assert.Equal(LostCall.Answered, RepeatUnprocessedCalls.Classify(new OperationCanceledException()));
    }
}
