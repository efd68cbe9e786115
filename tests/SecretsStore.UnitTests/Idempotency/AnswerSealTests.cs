using System.Text;
using SecretsStore.Api.Idempotency;

namespace SecretsStore.UnitTests.Idempotency;

/// <summary>
/// A keyed write's kept answer opens only with the principal's key and the request it answered, and holds nothing of
/// the answer in the clear (a token create's token among it).
/// </summary>
public sealed class AnswerSealTests
{
    private static readonly byte[] Request = IdempotencyFingerprint.RequestHash("operator", "key-1", "POST", "/admin/v1/accounts/a/tokens", "{}"u8);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"success":true,"result":{"id":"t1","token":"one-time-credential"}}""");

    [Fact]
    public void ASealedAnswerOpensToItsStatusAndBody()
    {
        var sealedAnswer = AnswerSeal.Seal("operator", "key-1", Request, 200, Body);
        var (status, body) = AnswerSeal.Open("operator", "key-1", Request, sealedAnswer)!.Value;
        Assert.Equal((200, Encoding.UTF8.GetString(Body)), (status, Encoding.UTF8.GetString(body)));
    }

    [Fact]
    public void ItOpensWithNoOtherKeyPrincipalOrRequest()
    {
        var sealedAnswer = AnswerSeal.Seal("operator", "key-1", Request, 200, Body);
        Assert.Null(AnswerSeal.Open("operator", "key-2", Request, sealedAnswer));
        Assert.Null(AnswerSeal.Open("token:other", "key-1", Request, sealedAnswer));
        Assert.Null(AnswerSeal.Open("operator", "key-1", IdempotencyFingerprint.RequestHash("operator", "key-1", "POST", "/elsewhere", "{}"u8), sealedAnswer));
    }

    [Fact]
    public void TheSealHoldsNothingOfTheAnswerInTheClear()
    {
        var sealedAnswer = AnswerSeal.Seal("operator", "key-1", Request, 200, Body);
        Assert.Equal(-1, sealedAnswer.AsSpan().IndexOf("one-time-credential"u8));
        Assert.Equal(-1, sealedAnswer.AsSpan().IndexOf("success"u8));
    }

    [Fact]
    public void TwoSealsOfOneAnswerDiffer() =>
        Assert.NotEqual(AnswerSeal.Seal("operator", "key-1", Request, 200, Body), AnswerSeal.Seal("operator", "key-1", Request, 200, Body));
}
