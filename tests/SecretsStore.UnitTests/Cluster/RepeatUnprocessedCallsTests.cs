using SecretsStore.Api.Cluster;
using SecretsStore.Grains.Abstractions;

namespace SecretsStore.UnitTests.Cluster;

/// <summary>Which failures prove a grain call never ran, so the gateway may send a write again.</summary>
public sealed class RepeatUnprocessedCallsTests
{
    [Fact]
    public void RejectionsAndRefusalsUpFrontProveTheCallDidNotRun()
    {
        Assert.True(RepeatUnprocessedCalls.ProvablyNotRun(new GatewayTooBusyException()));
        Assert.True(RepeatUnprocessedCalls.ProvablyNotRun(new SiloUnavailableException("Silo 'S127.0.0.1:11111:1' is shutting down.")));
        Assert.True(RepeatUnprocessedCalls.ProvablyNotRun(new SiloUnavailableException()));
    }

    [Fact]
    public void ASiloThatDiedWhileTheCallWasPendingProvesNothingAndNeitherDoOtherFaults()
    {
        Assert.False(RepeatUnprocessedCalls.ProvablyNotRun(new SiloUnavailableException("The target silo became unavailable for message: Request S1->S2. See https://aka.ms/orleans-troubleshooting for troubleshooting help.")));
        Assert.False(RepeatUnprocessedCalls.ProvablyNotRun(new SiloUnavailableException("The local Orleans host is shutting down and can no longer process the request: Request.")));
        Assert.False(RepeatUnprocessedCalls.ProvablyNotRun(new TimeoutException()));
        Assert.False(RepeatUnprocessedCalls.ProvablyNotRun(new StorageUnavailableException("commit")));
    }
}
