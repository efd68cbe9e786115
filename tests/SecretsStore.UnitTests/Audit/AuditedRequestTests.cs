using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using SecretsStore.Grains.Abstractions;
using SecretsStore.Grains.StoreWrites;

namespace SecretsStore.UnitTests.Audit;

/// <summary>
/// <see cref="AuditedRequest"/>, the one value an audited request's grain calls carry in Orleans' request context: what
/// crosses the wire, what a grain makes of a call that carries none or another principal's, and how far a change of it
/// reaches in an async flow (the gateway's filters and its repeat of lost calls rely on that).
/// </summary>
public sealed class AuditedRequestTests
{
    private static readonly Caller Writer = Caller.Account(Permission.Write, "token:writer");

    private static readonly AuditedRequest Sent = new(
        "0123456789abcdef0123456789abcdef", 1, Writer.PrincipalId, Guid.NewGuid(), "secret.create", new DateTime(2026, 12, 8, 3, 0, 0, DateTimeKind.Utc));

    [Fact]
    public void ItCrossesAGrainCallWholeThroughOrleansSerializer()
    {
        using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var repeat = Sent with { Attempt = 3 };

        var arrived = serializer.Deserialize<AuditedRequest>(serializer.SerializeToArray(repeat));

        Assert.Equal(repeat, arrived);
        Assert.Equal(DateTimeKind.Utc, arrived!.At.Kind);
        // Immutable: the request context's copy into each message is the value itself, never a clone.
        Assert.Same(repeat, services.GetRequiredService<DeepCopier>().Copy(repeat));
    }

    [Fact]
    public void OnlyALaterAttemptRepeats()
    {
        Assert.False(Sent.Repeats);
        Assert.True((Sent with { Attempt = 2 }).Repeats);
    }

    [Fact]
    public void ACallThatCarriesNoneIsNotAuditedAndNeverARepeat()
    {
        AuditedRequest.Leave();
        var call = new AuditedCall(Writer, Guid.NewGuid(), "secret.create", DateTime.UtcNow);

        Assert.Null(AuditedRequest.Of(Writer));
        Assert.Equal("", AuditedRequest.IdOf(Writer));
        Assert.Equal(("", false, (AuditedRequest?)null), (call.RequestId, call.Repeats, call.Request));
    }

    [Fact]
    public async Task ACallTakesTheRequestItCarriesWhenItArrivesAndOnlyForItsOwnPrincipal()
    {
        var repeat = Sent with { Attempt = 2 };
        repeat.Enter();
        try
        {
            var call = new AuditedCall(Writer, Sent.AccountId!.Value, "secret.create", DateTime.UtcNow);
            var stranger = Caller.Account(Permission.Write, "token:someone-else");

            Assert.Same(repeat, AuditedRequest.Of(Writer));
            Assert.Equal((Sent.RequestId, true), (call.RequestId, call.Repeats));
            Assert.Null(AuditedRequest.Of(stranger));
            Assert.Equal("", AuditedRequest.IdOf(stranger));

            // Taken when the call arrives: the store commits it in a later turn, whose context is not the call's.
            AuditedRequest.Leave();
            await Task.Yield();
            Assert.Equal(Sent.RequestId, call.RequestId);
        }
        finally
        {
            AuditedRequest.Leave();
        }
    }

    [Fact]
    public async Task WhatAnAsyncMethodEntersEndsWithItAndLeaveEndsItInTheFlow()
    {
        Sent.Enter();
        try
        {
            await EnterAnotherAttemptAsync();
            Assert.Same(Sent, AuditedRequest.Current);

            AuditedRequest.Leave();
            Assert.Null(AuditedRequest.Current);
        }
        finally
        {
            AuditedRequest.Leave();
        }
    }

    /// <summary>As the gateway's repeat does: a later attempt in its own async method, seen by what it calls after.</summary>
    private static async Task EnterAnotherAttemptAsync()
    {
        await Task.Yield();
        (Sent with { Attempt = 2 }).Enter();
        await Task.Yield();
        Assert.Equal(2, AuditedRequest.Current!.Attempt);
    }
}
